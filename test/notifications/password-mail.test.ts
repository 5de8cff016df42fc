import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';

/** Password links are queued in the outbox with their token, then delivered at once (not at the next cron firing). */
describe('password link mail', () => {
  let sink: SmtpSink;
  let stack: TestStack;
  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await createTestStack({ env: { SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await stack.close();
    await sink.close();
  });

  it('delivers a reset link through SMTP right after the request', async () => {
    const user = await createUser(stack.database.db, 'parent');
    const res = await stack.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: user.email } });
    expect(res.statusCode).toBe(202);
    const mail = await sink.waitFor((m) => m.to.includes(user.email), 25_000);
    expect(mail.text).toMatch(/token=/);
    // The row is marked sent once the SMTP server has answered.
    let status: string | undefined;
    for (const deadline = Date.now() + 25_000; status !== 'sent' && Date.now() < deadline; ) {
      const [row] = await stack.database.db.sql.query<{ status: string }>(`SELECT status FROM outbox WHERE recipient = $1`, [user.email]);
      status = row?.status;
      if (status !== 'sent') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('sent');
  }, 60_000);

  it('delivers the set-password link of an account an admin creates without a password', async () => {
    const admin = await createUser(stack.database.db, 'admin');
    const email = `new.${Date.now()}@test.example`;
    const res = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { email, firstName: 'New', lastName: 'Parent', role: 'parent' },
    });
    expect(res.statusCode).toBe(201);
    const mail = await sink.waitFor((m) => m.to.includes(email), 25_000);
    expect(mail.subject.length).toBeGreaterThan(0);
  }, 60_000);
});
