/**
 * The notification workflow over a real SMTP server (smtp-server sink): delivery, retries with
 * backoff after temporary refusals, permanent failure visible in the outbox while the other
 * channels complete, and idempotent starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventValidationError } from '../../src/engine/index.js';
import { sendNotification } from '../../src/modules/notifications/send.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { lessonData, notify, outboxOfRun, summaryOf, unique, userWith } from './helpers.js';

describe('notification e-mail over SMTP', () => {
  let sink: SmtpSink;
  let stack: TestStack;

  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await createTestStack({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Cedar Heights <office@cedar.example>' } });
    await stack.database.db.sql.query(`INSERT INTO settings (key, value) VALUES ('school', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
      JSON.stringify({ name: 'Maple & Cedar Music', timezone: 'America/Halifax', currency: 'CAD', email: 'office@maple.example', phone: '+19025550100' }),
    ]);
  });
  afterAll(async () => {
    await stack?.close();
    await sink?.close();
  });

  it('delivers the rendered template to the SMTP server, in the school name, with HTML and text parts', async () => {
    const parent = await userWith(stack, 'parent', { firstName: 'Jane' });
    const run = await notify(stack, { userId: parent.id, template: 'lesson_confirmation', data: { ...lessonData, studentName: 'Emma <b>' } });
    expect(run.status).toBe('succeeded');

    const mail = await sink.waitFor((m) => m.to.includes(parent.email));
    expect(mail.subject).toBe('Lesson booked: Emma <b>, Tuesday, May 7, 2030 at 5:00 p.m. ADT');
    expect(mail.from).toBe('office@cedar.example');
    expect(mail.text).toContain('Hello Jane,');
    expect(mail.text).toContain('Maple & Cedar Music');
    expect(mail.html).toContain('Maple &amp; Cedar Music');
    expect(mail.html).toContain('<strong>Emma &lt;b&gt;</strong>');
    expect(mail.html).not.toContain('Emma <b>');

    const [row] = (await outboxOfRun(stack, run.id)).filter((r) => r.channel === 'email');
    expect(row).toMatchObject({ status: 'sent', attempts: 1, provider: 'smtp', last_error: null, recipient: parent.email, template: 'lesson_confirmation' });
    expect(mail.messageId).toBe(`<outbox-${row!.id}@cedarheights>`);

    const summary = await summaryOf(stack, run.id);
    expect(summary.channels.email).toMatchObject({ status: 'sent', outboxId: row!.id, attempts: 1 });
    expect(summary.channels.in_app.status).toBe('sent');
    expect(summary.channels.sms).toMatchObject({ status: 'skipped', reason: 'turned off in preferences' });
  });

  it('retries a temporarily refusing server with backoff and ends sent, counting every attempt', async () => {
    const parent = await userWith(stack, 'parent');
    sink.failNext(2);
    const run = await notify(stack, { userId: parent.id, template: 'payment_receipt', data: { amountCents: 4500, description: 'Piano lesson' } });
    expect(run.status).toBe('succeeded');
    const mail = await sink.waitFor((m) => m.to.includes(parent.email));
    expect(mail.subject).toBe('Receipt: $45.00 CAD to Maple & Cedar Music');
    const [row] = await outboxOfRun(stack, run.id);
    expect(row).toMatchObject({ channel: 'email', status: 'sent', attempts: 3 });
    expect(row!.last_error).toMatch(/451/);
    const attempts = await stack.database.db.sql.query<{ attempt: number; status: string }>(
      `SELECT attempt, status FROM workflow_steps WHERE run_id = $1 AND node_id = 'email' ORDER BY attempt`,
      [run.id],
    );
    expect(attempts).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'failed' },
      { attempt: 3, status: 'succeeded' },
    ]);
    expect(sink.messages.filter((m) => m.to.includes(parent.email))).toHaveLength(1);
  });

  it('ends failed in the outbox after the last attempt while in-app still completes; the admin sees it', async () => {
    const parent = await userWith(stack, 'parent');
    const admin = await userWith(stack, 'admin');
    sink.failNext(4);
    const run = await notify(stack, { userId: parent.id, template: 'payment_failed', data: { amountCents: 4500, description: 'Piano lesson' } });
    sink.failNext(0);
    expect(run.status).toBe('succeeded');
    const summary = await summaryOf(stack, run.id);
    expect(summary.channels.email).toMatchObject({ status: 'failed', attempts: 4 });
    expect(summary.channels.email.error).toMatch(/451/);
    expect(summary.channels.in_app.status).toBe('sent');

    const res = await stack.app.inject({ method: 'GET', url: '/api/v1/outbox?channel=email&status=failed', headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const listed = res.json().data.find((r: { id: number }) => r.id === summary.channels.email.outboxId);
    expect(listed).toMatchObject({ channel: 'email', status: 'failed', attempts: 4, recipient: parent.email, runId: run.id, template: 'payment_failed' });
    expect(listed.lastError).toMatch(/451/);
    expect(sink.messages.filter((m) => m.to.includes(parent.email))).toHaveLength(0);
  });

  it('starts one run per idempotency key, and refuses data that does not fit the template, naming the field', async () => {
    const parent = await userWith(stack, 'parent');
    const key = unique();
    const request = { userId: parent.id, template: 'lesson_reminder' as const, data: lessonData };
    const first = await sendNotification(stack.services.workflows, request, key);
    const second = await sendNotification(stack.services.workflows, request, key);
    expect(second).toEqual({ runId: first.runId, created: false });
    await stack.engine.waitFor(first.runId, 20_000);
    await sink.waitFor((m) => m.to.includes(parent.email));
    expect(sink.messages.filter((m) => m.to.includes(parent.email))).toHaveLength(1);

    const bad = sendNotification(stack.services.workflows, { userId: parent.id, template: 'lesson_reminder', data: { studentName: 'Emma' } }, unique());
    await expect(bad).rejects.toBeInstanceOf(EventValidationError);
    await expect(bad).rejects.toThrow(/data\.teacherName/);
  });
});
