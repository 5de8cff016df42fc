/**
 * A public form never changes an existing account: with the e-mail of an existing parent it waits
 * (durably) for the owner's e-mailed one-time link or the office's answer; until then no card, child,
 * lesson or mail of the family changes. Expiry and refusal end it rejected with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import type { TestStack } from '../helpers/stack.js';
import { createTeacher, enrollmentForm, enrollmentStack, eventually } from './helpers.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  s = await enrollmentStack();
  admin = await createUser(s.database.db, 'admin');
  await createTeacher(s.database.db);
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);
const submitPublic = (form: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/public/enrollments', payload: form });
const confirm = (token: unknown) => s.app.inject({ method: 'POST', url: '/api/v1/public/enrollments/confirm', payload: { token } });
const statusOf = async (id: number): Promise<string> => (await s.app.inject({ method: 'GET', url: `/api/v1/enrollments/${id}/status`, headers: admin.headers })).json().status;

/** An existing family: a completed enrollment (parent account, child, saved card, demo lesson). */
async function existingFamily(): Promise<{ email: string; parentId: number }> {
  const form = enrollmentForm();
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });
  expect(res.json().status).toBe('completed');
  const parentId: number = res.json().parentId;
  // Its welcome mail is sent by a run of its own: wait for it, so later counts compare like with like.
  await eventually(async () => (await familyState(parentId)).welcomes === 1, 'the family’s welcome mail');
  return { email: String(form.parentEmail), parentId };
}

async function familyState(parentId: number) {
  const [row] = await sql<{ students: number; lessons: number; cards: string[]; welcomes: number }>(
    `SELECT (SELECT count(*)::int FROM students WHERE parent_id = $1) AS students,
            (SELECT count(*)::int FROM lessons l JOIN students st ON st.id = l.student_id WHERE st.parent_id = $1) AS lessons,
            (SELECT coalesce(array_agg(gateway_payment_method_id || ':' || is_default ORDER BY id), '{}') FROM saved_payment_methods WHERE parent_id = $1) AS cards,
            (SELECT count(*)::int FROM outbox o JOIN users u ON lower(u.email) = lower(o.recipient) WHERE u.id = $1 AND o.template = 'parent_welcome') AS welcomes`,
    [parentId],
  );
  return row!;
}

/** Submits a second child with the family's e-mail and another card; waits until the run waits. */
async function submitAsStranger(email: string): Promise<{ enrollmentId: number; runId: string }> {
  const res = await submitPublic(enrollmentForm({ parentEmail: email, paymentToken: 'pm_card_mastercard' }));
  expect(res.statusCode).toBe(202);
  const accepted = res.json();
  await eventually(async () => (await statusOf(accepted.enrollmentId)) === 'awaiting_confirmation', 'the enrollment to await confirmation');
  expect((await s.engine.waitFor(accepted.runId, 20_000)).status).toBe('waiting');
  return accepted;
}

async function linkTokenFor(email: string): Promise<string> {
  let body = '';
  await eventually(async () => {
    const [mail] = await sql<{ body_text: string }>(
      `SELECT body_text FROM outbox WHERE template = 'enrollment_confirm' AND lower(recipient) = lower($1) ORDER BY id DESC LIMIT 1`,
      [email],
    );
    body = mail?.body_text ?? '';
    return body.length > 0;
  }, 'the confirmation e-mail');
  const match = /\/enrollments\/confirm\?token=([A-Za-z0-9_%-]+)/.exec(body);
  expect(match).not.toBeNull();
  return decodeURIComponent(match![1]!);
}

describe('a public form with an existing parent’s e-mail', () => {
  it('changes nothing of the family until the owner confirms by the e-mailed link, then enrolls once', async () => {
    const family = await existingFamily();
    const before = await familyState(family.parentId);
    const { enrollmentId, runId } = await submitAsStranger(family.email);

    const run = (await s.app.inject({ method: 'GET', url: `/api/v1/workflows/runs/${runId}`, headers: admin.headers })).json();
    expect(run.status).toBe('waiting');
    expect(await familyState(family.parentId)).toEqual(before);
    const [row] = await sql<{ confirmation_token_hash: string | null }>('SELECT confirmation_token_hash FROM enrollments WHERE id = $1', [enrollmentId]);
    const token = await linkTokenFor(family.email);
    expect(row!.confirmation_token_hash).not.toContain(token); // only a hash is kept

    const confirmed = await confirm(token);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toEqual({ enrollmentId, statusUrl: `/api/v1/enrollments/${enrollmentId}/status` });
    await s.engine.waitFor(runId, 20_000);
    expect(await statusOf(enrollmentId)).toBe('completed');
    const after = await familyState(family.parentId);
    expect(after.students).toBe(before.students + 1);
    expect(after.lessons).toBe(before.lessons + 1);
    const [confirmation] = await sql('SELECT confirmed_by, confirmation_token_hash FROM enrollments WHERE id = $1', [enrollmentId]);
    expect(confirmation).toEqual({ confirmed_by: 'email', confirmation_token_hash: null });

    // The link works once.
    const again = await confirm(token);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.details).toEqual([expect.objectContaining({ field: 'body.token' })]);
  });

  it('goes on when the office approves, and is audited', async () => {
    const family = await existingFamily();
    const { enrollmentId, runId } = await submitAsStranger(family.email);
    const approved = await s.app.inject({ method: 'POST', url: `/api/v1/enrollments/${enrollmentId}/approve`, headers: admin.headers });
    expect(approved.statusCode).toBe(200);
    await s.engine.waitFor(runId, 20_000);
    expect(await statusOf(enrollmentId)).toBe('completed');
    const [audit] = await sql('SELECT action, actor_id FROM audit_log WHERE entity = $1 AND entity_id = $2', ['enrollment', String(enrollmentId)]);
    expect(audit).toEqual({ action: 'approve', actor_id: admin.id });
    const twice = await s.app.inject({ method: 'POST', url: `/api/v1/enrollments/${enrollmentId}/approve`, headers: admin.headers });
    expect(twice.statusCode).toBe(409);
  });

  it('ends rejected, nothing changed, when the office declines', async () => {
    const family = await existingFamily();
    const before = await familyState(family.parentId);
    const { enrollmentId, runId } = await submitAsStranger(family.email);
    const noReason = await s.app.inject({ method: 'POST', url: `/api/v1/enrollments/${enrollmentId}/decline`, headers: admin.headers, payload: {} });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details).toEqual([expect.objectContaining({ field: 'body.reason' })]);
    const declined = await s.app.inject({ method: 'POST', url: `/api/v1/enrollments/${enrollmentId}/decline`, headers: admin.headers, payload: { reason: 'Not our family' } });
    expect(declined.statusCode).toBe(200);
    await s.engine.waitFor(runId, 20_000);
    const status = (await s.app.inject({ method: 'GET', url: `/api/v1/enrollments/${enrollmentId}/status`, headers: admin.headers })).json();
    expect(status).toMatchObject({ status: 'rejected', errors: [{ code: 'confirmation_declined', message: 'The school declined this enrollment: Not our family' }] });
    expect(await familyState(family.parentId)).toEqual(before);
  });

  it('ends rejected, nothing changed, when nobody answers in time', async () => {
    const family = await existingFamily();
    const before = await familyState(family.parentId);
    const { enrollmentId, runId } = await submitAsStranger(family.email);
    const token = await linkTokenFor(family.email);
    // 72 hours pass (the wait's deadline and the link's expiry, as the database sees them).
    await sql(`UPDATE workflow_waits SET deadline = now() - interval '1 second' WHERE run_id = $1`, [runId]);
    await sql(`UPDATE workflow_runs SET waiting_until = now() - interval '1 second' WHERE id = $1`, [runId]);
    await sql(`UPDATE enrollments SET confirmation_expires_at = now() - interval '1 second' WHERE id = $1`, [enrollmentId]);
    expect((await confirm(token)).statusCode).toBe(400);
    await eventually(async () => (await statusOf(enrollmentId)) === 'rejected', 'the expired enrollment to be rejected', 30_000);
    const status = (await s.app.inject({ method: 'GET', url: `/api/v1/enrollments/${enrollmentId}/status`, headers: admin.headers })).json();
    expect(status.errors).toEqual([expect.objectContaining({ code: 'confirmation_expired' })]);
    expect(await familyState(family.parentId)).toEqual(before);
  }, 60_000);

  it('refuses a malformed or unknown token with 400 naming the field', async () => {
    for (const token of [undefined, 42, '', 'short', 'x'.repeat(500), 'a'.repeat(43)]) {
      const res = await confirm(token);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'body.token' })]);
    }
    const missing = await s.app.inject({ method: 'POST', url: '/api/v1/enrollments/999999/approve', headers: admin.headers });
    expect(missing.statusCode).toBe(404);
  });

  it('lets only admins approve or decline', async () => {
    const parent = await createUser(s.database.db, 'parent');
    for (const path of ['approve', 'decline']) {
      expect((await s.app.inject({ method: 'POST', url: `/api/v1/enrollments/1/${path}`, headers: parent.headers, payload: { reason: 'x' } })).statusCode).toBe(403);
      expect((await s.app.inject({ method: 'POST', url: `/api/v1/enrollments/1/${path}`, payload: { reason: 'x' } })).statusCode).toBe(401);
    }
  });

  it('does not wait when the office itself enrolls with an existing parent’s e-mail', async () => {
    const family = await existingFamily();
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: enrollmentForm({ parentEmail: family.email }) });
    expect(res.json()).toMatchObject({ status: 'completed', parentId: family.parentId });
  });
});
