/**
 * A writing node that fails after its `ctx.transaction` committed, before its checkpoint (the
 * workflow's `afterCommit` fault seam throws once, a retryable error), runs again: the retry gets
 * the result recorded with the commit and writes nothing twice. Each case checks a part of the
 * output that running the work again could not give (the work would now find what it made: an
 * existing account and student, a used-up payment token, a student who has a teacher). Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrollmentNodeId } from '../../src/modules/enrollments/workflows/deps.js';
import { createUser } from '../helpers/app.js';
import type { TestStack } from '../helpers/stack.js';
import { createTeacher, enrollmentForm, enrollmentStack } from './helpers.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;
/** The node whose first commit is followed by a failure; the enrollment it fails in. */
let failAfter: { node: EnrollmentNodeId; enrollmentId?: number } | null = null;

beforeAll(async () => {
  s = await enrollmentStack({
    faults: {
      afterCommit(node, enrollmentId) {
        if (failAfter?.node !== node || failAfter.enrollmentId !== undefined) return;
        failAfter.enrollmentId = enrollmentId;
        throw new Error(`the worker lost node ${node} after its commit`);
      },
    },
  });
  admin = await createUser(s.database.db, 'admin');
  await createTeacher(s.database.db);
});
afterAll(async () => {
  await s?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);

/** Enrolls a new family with `node` failing once after its commit; returns the finished run's figures. */
async function enrollFailingAfter(node: EnrollmentNodeId) {
  failAfter = { node };
  const form = enrollmentForm();
  const res = await s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });
  const failed = failAfter.enrollmentId;
  failAfter = null;
  const body = res.json();
  expect(body.status).toBe('completed');
  expect(failed).toBe(body.enrollmentId);
  const steps = await sql<{ attempt: number; status: string }>(`SELECT attempt, status FROM workflow_steps WHERE run_id = $1 AND node_id = $2 AND kind = 'process' ORDER BY id`, [
    body.runId,
    node,
  ]);
  expect(steps.map((x) => [x.attempt, x.status])).toEqual([
    [1, 'failed'],
    [2, 'succeeded'],
  ]);
  const records = await sql<{ seq: number; result: unknown }>(
    `SELECT seq, result FROM workflow_transactions WHERE run_id = $1 AND node_id = $2 AND kind = 'process' ORDER BY seq`,
    [body.runId, node],
  );
  const output = (await s.engine.view(body.runId))?.nodes.find((n) => n.nodeId === node)?.output;
  const audits = await sql<{ entity: string; action: string }>(`SELECT entity, action FROM audit_log WHERE request_id = $1 ORDER BY id`, [`enrollment:${body.enrollmentId}`]);
  return { form, body, records, output, audits: audits.map((a) => `${a.action} ${a.entity}`) };
}

describe('a node run again after its transaction committed', () => {
  it('family: one account and one student, and the output still says this enrollment created them', async () => {
    const { form, body, records, output, audits } = await enrollFailingAfter('family');
    expect(output).toEqual({ parentId: body.parentId, createdParent: true, studentId: body.studentId, createdStudent: true });
    expect(records).toEqual([{ seq: 1, result: output }]);
    expect(await sql('SELECT 1 FROM users WHERE lower(email) = lower($1)', [form.parentEmail])).toHaveLength(1);
    expect(await sql('SELECT 1 FROM students WHERE last_name = $1', [form.studentLastName])).toHaveLength(1);
    expect(audits.filter((a) => a.startsWith('create'))).toEqual(['create user', 'create student', 'create payment_method', 'create lesson']);
    // The set-password link goes to a new account only: the recorded createdParent decides it.
    expect(await sql(`SELECT 1 FROM outbox WHERE template = 'set_password' AND recipient = $1`, [form.parentEmail])).toHaveLength(1);
  });

  it('payment: one saved card, and the outcome recorded before the token was removed from the form', async () => {
    const { body, records, output } = await enrollFailingAfter('payment');
    expect(output).toMatchObject({ outcome: 'complete', customerId: expect.stringMatching(/^cus_/), paymentMethodId: expect.any(String), error: null });
    expect(records).toEqual([{ seq: 1, result: output }]);
    expect(body.paymentSetup).toBe('complete');
    expect(await sql('SELECT 1 FROM saved_payment_methods WHERE parent_id = $1', [body.parentId])).toHaveLength(1);
  });

  it('assign: one assignment, and the output still says this enrollment made it', async () => {
    const { body, records, output, audits } = await enrollFailingAfter('assign');
    expect(output).toMatchObject({ studentId: body.studentId, teacherId: body.assignedTeacherId, changed: true, score: expect.any(Number) });
    expect(records).toEqual([{ seq: 1, result: output }]);
    expect(audits.filter((a) => a === 'update student')).toHaveLength(1);
  });

  it('welcome: one set-password link, the status completed once', async () => {
    const { form, records, output } = await enrollFailingAfter('welcome');
    expect(output).toMatchObject({ setPasswordLinkSent: true, parentNotificationRunId: expect.any(String) });
    expect(records.map((r) => r.seq)).toEqual([1, 2]); // the completion, then the e-mails' outcome
    expect(await sql(`SELECT 1 FROM outbox WHERE template = 'set_password' AND recipient = $1`, [form.parentEmail])).toHaveLength(1);
    expect(await sql(`SELECT 1 FROM password_reset_tokens t JOIN users u ON u.id = t.user_id WHERE lower(u.email) = lower($1)`, [form.parentEmail])).toHaveLength(1);
  });
});
