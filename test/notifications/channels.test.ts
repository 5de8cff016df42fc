/**
 * Channels and preferences: without SMTP_URL e-mail is kept in the outbox; SMS goes through a
 * local Twilio stand-in (TWILIO_API_URL), with retries on 5xx and no retry on a 4xx; the
 * recipient's preferences and the request's channels decide what is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { lessonData, notify, outboxOfRun, summaryOf, userWith } from './helpers.js';
import { startTwilioStandIn, type TwilioStandIn } from './twilio-standin.js';

describe('channels, preferences and the SMS provider', () => {
  let twilio: TwilioStandIn;
  let stack: TestStack;

  beforeAll(async () => {
    twilio = await startTwilioStandIn();
    stack = await createTestStack({
      env: { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_FROM_NUMBER: '+19025550199', TWILIO_API_URL: twilio.url },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await twilio?.close();
  });

  const smsTo = (phone: string) => twilio.messages.filter((m) => m.to === phone);
  const inAppOf = (userId: number) =>
    stack.database.db.sql.query<{ kind: string; title: string; body: string }>('SELECT kind, title, body FROM notifications WHERE user_id = $1', [userId]);

  it('by default: e-mail kept in the outbox (no SMTP_URL), SMS through Twilio, in-app written', async () => {
    const phone = '+19025550111';
    const parent = await userWith(stack, 'parent', { phone, firstName: 'Lena' });
    const run = await notify(stack, { userId: parent.id, template: 'lesson_reminder', data: lessonData });
    expect(run.status).toBe('succeeded');
    const rows = await outboxOfRun(stack, run.id);
    expect(rows.map((r) => [r.channel, r.status, r.provider, r.attempts])).toEqual([
      ['email', 'kept', 'outbox', 1],
      ['sms', 'sent', 'twilio', 1],
    ]);
    const [email, sms] = rows;
    expect(email!.subject).toContain('Reminder: Emma Wilson has a lesson');
    expect(email!.body_text).toContain('Hello Lena,');
    expect(email!.body_html).toContain('Cedar Heights Music Academy');
    expect(smsTo(phone)).toEqual([{ to: phone, from: '+19025550199', body: sms!.body_text, sid: sms!.provider_message_id }]);
    expect(sms!.body_text).toMatch(/^Cedar Heights Music Academy reminder: Emma Wilson, lesson with Clara Schumann on /);
    expect(await inAppOf(parent.id)).toEqual([{ kind: 'lesson_reminder', title: email!.subject, body: expect.stringContaining('Hello Lena,') }]);
  });

  it('follows saved preferences: SMS only', async () => {
    const phone = '+19025550112';
    const parent = await userWith(stack, 'parent', { phone });
    const put = await stack.app.inject({ method: 'PUT', url: '/api/v1/notifications/preferences', headers: parent.headers, payload: { email: false, sms: true, inApp: false } });
    expect(put.statusCode).toBe(200);
    const run = await notify(stack, { userId: parent.id, template: 'payment_failed', data: { amountCents: 4500, description: 'Lesson' } });
    const summary = await summaryOf(stack, run.id);
    expect(summary.channels.email).toMatchObject({ status: 'skipped', reason: 'turned off in preferences' });
    expect(summary.channels.in_app).toMatchObject({ status: 'skipped', reason: 'turned off in preferences' });
    expect(summary.channels.sms).toMatchObject({ status: 'sent', attempts: 1 });
    expect((await outboxOfRun(stack, run.id)).map((r) => r.channel)).toEqual(['sms']);
    expect(smsTo(phone)).toHaveLength(1);
    expect(await inAppOf(parent.id)).toEqual([]);
  });

  it('sends only the requested channels, and never SMS to a user without a phone number', async () => {
    const parent = await userWith(stack, 'parent');
    const run = await notify(stack, { userId: parent.id, template: 'admin_alert', data: { title: 'Hello', message: 'World' }, channels: ['in_app', 'sms'] });
    const summary = await summaryOf(stack, run.id);
    expect(summary.channels.email).toMatchObject({ status: 'skipped', reason: 'not requested' });
    expect(summary.channels.sms).toMatchObject({ status: 'skipped', reason: 'turned off in preferences' });
    expect(summary.channels.in_app.status).toBe('sent');
    expect(await outboxOfRun(stack, run.id)).toEqual([]);

    // SMS turned on while there was a phone number, which was then removed
    const other = await userWith(stack, 'parent', { phone: '+19025550113' });
    await stack.app.inject({ method: 'PUT', url: '/api/v1/notifications/preferences', headers: other.headers, payload: { email: true, sms: true, inApp: true } });
    await stack.database.db.sql.query('UPDATE users SET phone = NULL WHERE id = $1', [other.id]);
    const second = await summaryOf(stack, (await notify(stack, { userId: other.id, template: 'admin_alert', data: { title: 'a', message: 'b' } })).id);
    expect(second.channels.sms).toMatchObject({ status: 'skipped', reason: 'no phone number' });
  });

  it('notifies an address without an account (greeting by name) and skips a deactivated user', async () => {
    const phone = '+19025550114';
    const run = await notify(stack, {
      email: 'waitlisted@family.example',
      phone,
      name: 'Sam',
      template: 'enrollment_waitlisted',
      data: { studentName: 'Kim', instrument: 'cello' },
    });
    const summary = await summaryOf(stack, run.id);
    expect(summary.channels.in_app).toMatchObject({ status: 'skipped', reason: 'no user account' });
    const rows = await outboxOfRun(stack, run.id);
    expect(rows.map((r) => [r.channel, r.recipient, r.status])).toEqual([
      ['email', 'waitlisted@family.example', 'kept'],
      ['sms', phone, 'sent'],
    ]);
    expect(rows[0]!.body_text).toContain('Hello Sam,');

    const gone = await userWith(stack, 'parent', { phone: '+19025550115' });
    await stack.database.db.sql.query('UPDATE users SET is_active = false WHERE id = $1', [gone.id]);
    const skipped = await summaryOf(stack, (await notify(stack, { userId: gone.id, template: 'admin_alert', data: { title: 'a', message: 'b' } })).id);
    for (const channel of ['email', 'sms', 'in_app'] as const) expect(skipped.channels[channel]).toMatchObject({ status: 'skipped', reason: 'recipient deactivated' });
  });

  it('retries Twilio 5xx answers, but fails a 4xx at once while the other channels complete', async () => {
    const phone = '+19025550116';
    const parent = await userWith(stack, 'parent', { phone });
    twilio.failNext(2, 503);
    const retried = await notify(stack, { userId: parent.id, template: 'admin_alert', data: { title: 'Retry', message: 'x' }, channels: ['sms'] });
    const [sms] = await outboxOfRun(stack, retried.id);
    expect(sms).toMatchObject({ status: 'sent', attempts: 3, provider: 'twilio' });
    expect(sms!.last_error).toMatch(/Twilio answered 503/);

    twilio.failNext(1, 400);
    const refused = await notify(stack, { userId: parent.id, template: 'admin_alert', data: { title: 'Refused', message: 'x' } });
    expect(refused.status).toBe('succeeded');
    const summary = await summaryOf(stack, refused.id);
    expect(summary.channels.sms).toMatchObject({ status: 'failed', attempts: 1 });
    expect(summary.channels.sms.error).toMatch(/Twilio answered 400 \(code 21211\)/);
    expect(summary.channels.email.status).toBe('kept');
    expect(summary.channels.in_app.status).toBe('sent');
    expect(smsTo(phone).map((m) => m.body)).toEqual([expect.stringContaining('Retry')]);
  });
});
