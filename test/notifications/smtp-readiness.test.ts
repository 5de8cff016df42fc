import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

/** With SMTP_URL set, readiness includes the SMTP server. */
describe('readiness with SMTP configured', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('is ready when the SMTP server answers', async () => {
    const t = await createTestApp({ env: { SMTP_URL: sink.url } });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok', checks: { smtp: { status: 'ok' } } });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming smtp when the server cannot be reached', async () => {
    const t = await createTestApp({ env: { SMTP_URL: 'smtp://127.0.0.1:9' } });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'failing', checks: { database: { status: 'ok' }, smtp: { status: 'failing' } } });
    } finally {
      await t.close();
    }
  });

  it('has no smtp check without SMTP_URL (mail is kept in the outbox)', async () => {
    const t = await createTestApp();
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.json().checks.smtp).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
