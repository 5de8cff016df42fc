/**
 * Exactly-once sends across a worker's death: a worker claims a notification run, checkpoints
 * `determine_channels` and `render`, sends the e-mail and writes the in-app notification, and dies
 * before checkpointing them. Another worker resumes the run once the test expires the lease: it
 * finds the outbox row (same idempotency key) already sent and the in-app row written, and sends
 * nothing twice. Also: mail queued outside a run (password reset) is delivered by `outbox-dispatch`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptDelivery } from '../../src/modules/notifications/delivery.js';
import { createInApp } from '../../src/modules/notifications/in-app.js';
import { ensureOutboxRow } from '../../src/modules/notifications/outbox.js';
import { planDelivery } from '../../src/modules/notifications/preferences.js';
import { renderTemplate } from '../../src/modules/notifications/render.js';
import { loadSchoolContext } from '../../src/modules/notifications/school.js';
import type { NotificationRequest } from '../../src/modules/notifications/types.js';
import { OUTBOX_DISPATCH_WORKFLOW } from '../../src/modules/notifications/workflows/dispatch.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { lessonData, outboxOfRun, summaryOf, unique, userWith, WAIT_MS } from './helpers.js';

/** The doomed worker's lease: far longer than the test, so only the test ends it. */
const DOOMED_LEASE_MS = 10 * 60_000;

describe('resumed and dispatched deliveries', () => {
  let sink: SmtpSink;
  let stack: TestStack;

  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await createTestStack({ env: { SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await sink?.close();
  });

  it('a run resumed after its worker died does not send the e-mail or the in-app notification again', async () => {
    const sql = stack.database.db.sql;
    const store = stack.engine.store;
    const parent = await userWith(stack, 'parent');
    const request: NotificationRequest = { userId: parent.id, template: 'lesson_reminder', data: lessonData };
    const { run } = await store.create({ workflow: 'notification', event: request, idempotencyKey: unique() });

    // The doomed worker: claims with a lease that cannot lapse during the test (on a starved CPU a
    // short one did, and the live worker resumed the run while this one was still sending), and
    // checkpoints the first two nodes…
    expect(await store.claim(run.id, 'dead-worker', DOOMED_LEASE_MS)).toBeDefined();
    const plan = await planDelivery(sql, request);
    const rendered = renderTemplate(request.template, request.data, { school: await loadSchoolContext(sql, 'America/Halifax'), recipientName: plan.recipientName });
    const checkpoint = (nodeId: string, output: unknown, next: string) =>
      store.recordStep({ runId: run.id, nodeId, kind: 'process', attempt: 1, status: 'succeeded', output, next, durationMs: 1 }, 'dead-worker', next, DOOMED_LEASE_MS);
    expect(await checkpoint('determine_channels', plan, 'render')).toBe(true);
    expect(await checkpoint('render', rendered, 'track')).toBe(true);
    // …does what the email and in_app nodes do, with their idempotency keys, then dies.
    const row = await ensureOutboxRow(sql, {
      channel: 'email',
      to: parent.email,
      userId: parent.id,
      template: request.template,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      idempotencyKey: `${run.id}:email`,
      runId: run.id,
    });
    expect(await attemptDelivery(sql, stack.services, row.id, { maxAttempts: 4 })).toMatchObject({ status: 'sent', attempts: 1 });
    const notificationId = await createInApp(sql, {
      userId: parent.id,
      kind: request.template,
      title: rendered.subject,
      body: rendered.plain,
      data: request.data,
      idempotencyKey: `${run.id}:in_app`,
    });
    await sink.waitFor((m) => m.to.includes(parent.email));

    // It dies: the test expires its lease now (no timer decides when), and a sweep re-enqueues the run for the live worker.
    await sql.query(`UPDATE workflow_runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1 AND lease_owner = 'dead-worker'`, [run.id]);
    await stack.engine.sweep();
    const resumed = await stack.engine.waitFor(run.id, WAIT_MS);
    expect(resumed).toMatchObject({ status: 'succeeded', attempt: 2 });
    const summary = await summaryOf(stack, run.id);
    expect(summary.channels.email).toMatchObject({ status: 'sent', outboxId: row.id, attempts: 1 });
    expect(summary.channels.in_app).toMatchObject({ status: 'sent', notificationId });

    expect(sink.messages.filter((m) => m.to.includes(parent.email))).toHaveLength(1);
    expect(await outboxOfRun(stack, run.id)).toEqual([expect.objectContaining({ id: row.id, status: 'sent', attempts: 1 })]);
    expect(await sql.query('SELECT 1 FROM notifications WHERE user_id = $1', [parent.id])).toHaveLength(1);
    const steps = await sql.query<{ node_id: string }>(`SELECT node_id FROM workflow_steps WHERE run_id = $1 AND status = 'succeeded' ORDER BY node_id`, [run.id]);
    expect(steps.map((s) => s.node_id)).toEqual(['determine_channels', 'email', 'in_app', 'render', 'sms', 'track']);
  }, 90_000);

  it('delivers a password reset e-mail through outbox-dispatch, with retries spaced by send_after', async () => {
    const sql = stack.database.db.sql;
    const parent = await userWith(stack, 'parent', { firstName: 'Robin' });
    sink.failNext(1); // the first delivery attempt gets a 451
    const res = await stack.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: parent.email } });
    expect(res.statusCode).toBe(202);
    const readRow = async () => {
      const [row] = await sql.query<{ id: number; status: string; template: string; run_id: string | null; attempts: number; last_error: string | null; due: boolean }>(
        'SELECT id, status, template, run_id, attempts, last_error, send_after <= now() AS due FROM outbox WHERE recipient = $1',
        [parent.email],
      );
      return row!;
    };
    // The request starts an outbox-dispatch run at once (no waiting for the cron): its attempt fails.
    let queued = await readRow();
    for (const deadline = Date.now() + WAIT_MS; queued.status !== 'retrying' && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      queued = await readRow();
    }
    expect(queued).toMatchObject({ status: 'retrying', template: 'password_reset', run_id: null, attempts: 1, due: false });
    expect(queued.last_error).toMatch(/451/);

    const dispatch = async () => {
      const run = await stack.engine.startAndWait(OUTBOX_DISPATCH_WORKFLOW, { firedAt: new Date().toISOString() }, { idempotencyKey: unique(), waitMs: WAIT_MS });
      expect(run.status).toBe('succeeded');
      const [row] = await sql.query<{ status: string; attempts: number; last_error: string | null; due: boolean }>(
        'SELECT status, attempts, last_error, send_after <= now() AS due FROM outbox WHERE id = $1',
        [queued.id],
      );
      return row!;
    };

    expect(await dispatch()).toMatchObject({ status: 'retrying', attempts: 1 }); // not due yet: untouched
    await sql.query(`UPDATE outbox SET send_after = now() WHERE id = $1`, [queued.id]);
    expect(await dispatch()).toMatchObject({ status: 'sent', attempts: 2 });

    const mail = await sink.waitFor((m) => m.to.includes(parent.email));
    expect(mail.subject).toBe('Cedar Heights Music Academy: reset your password');
    expect(mail.text).toMatch(/Hello Robin,[\s\S]*\/reset-password\?token=\S+/);
    expect(mail.html).toContain('Reset my password');
    await dispatch();
    expect(sink.messages.filter((m) => m.to.includes(parent.email))).toHaveLength(1);
  }, 90_000);
});
