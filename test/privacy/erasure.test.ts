/**
 * Privacy erasure (PIPEDA): an erased family leaves no name, e-mail or phone number anywhere in the
 * database (every text, JSON and array column of every table searched), while its financial
 * records stay, anonymised, with their amounts: the ledger and the reconciliation still balance.
 * Future lessons are cancelled through the lessons module (the teacher is told), billing is ended
 * at the gateway (subscription cancelled, card detached, customer redacted), sign-in fails.
 * On the simulated gateway and on the real Stripe SDK against the Stripe stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, gatewayKinds, type PaymentWorld } from '../payments/fixture.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { buildRichFamily, findTerms, PASSWORD, type RichFamily } from './erasure-family.js';

const DAY = 86_400_000;

describe.each(gatewayKinds)('erasing a family (%s gateway)', (kind) => {
  let w: PaymentWorld;
  let sink: SmtpSink;
  let family: RichFamily;

  beforeAll(async () => {
    sink = await startSmtpSink();
    w = await createPaymentWorld(kind, { env: { SMTP_URL: sink.url } });
    family = await buildRichFamily(w);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await sink?.close();
  });

  const ledger = async (parentId: number) =>
    (await w.sql<{ n: number; sum: number }>('SELECT count(*)::int AS n, COALESCE(sum(amount_cents), 0)::int AS sum FROM ledger_entries WHERE parent_id = $1', [parentId]))[0]!;

  it('leaves nothing that identifies the family, keeps the books, ends billing at the gateway and closes the account', { timeout: 180_000 }, async () => {
    const { parent } = family;
    const before = await findTerms(w, family.terms);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['users.email', 'students.first_name', 'lessons.notes', 'outbox.recipient', 'audit_log.before', 'enrollments.submission', 'progress_reports.draft']),
    );
    const books = await ledger(parent.id);
    expect(books.n).toBeGreaterThanOrEqual(2); // the payment and the subscription's first invoice
    const login = () => w.stack.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: family.email, password: PASSWORD } });
    expect((await login()).statusCode).toBe(200);

    const res = await w.stack.app.inject({
      method: 'POST',
      url: '/api/v1/privacy/erasures',
      headers: w.admin.headers,
      payload: { userId: parent.id, reason: 'The family moved away' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const request = res.json();
    expect(request).toMatchObject({ userId: parent.id, status: 'approved', balanceCents: 0, overrideReason: null, runId: expect.any(String) });
    const run = await w.stack.engine.waitFor(request.runId, 120_000);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    await w.idle();
    const done = (await w.stack.app.inject({ method: 'GET', url: `/api/v1/privacy/erasures/${request.id}`, headers: w.admin.headers })).json();
    expect(done).toMatchObject({ status: 'completed', completedAt: expect.any(String) });

    // nothing identifies the family any more, anywhere
    expect(await findTerms(w, family.terms)).toEqual({});

    // the future lesson was cancelled through the lessons module and the teacher was told; the past one stays
    const lessons = await w.sql<{ id: number; status: string; notes: string | null }>('SELECT id, status, notes FROM lessons WHERE student_id = $1 ORDER BY id', [
      family.studentId,
    ]);
    expect(lessons).toEqual([
      { id: family.pastLessonId, status: 'completed', notes: null },
      { id: family.futureLessonId, status: 'cancelled', notes: null },
    ]);
    const notice = await sink.waitFor((m) => m.to.includes(w.teacher.email) && /cancel/i.test(`${m.subject} ${m.text}`));
    expect(notice.text).toMatch(/cancel/i);

    // the financial records stay, anonymised, amounts untouched; the ledger still reconciles with the gateway
    expect(await ledger(parent.id)).toEqual(books);
    const [payment] = await w.sql<{ description: string; amount_cents: number }>(`SELECT description, amount_cents FROM payments WHERE parent_id = $1 AND status = 'succeeded'`, [
      parent.id,
    ]);
    expect(payment).toEqual({ description: `Piano lesson of Erased family #${request.id}`, amount_cents: 4500 });
    const from = new Date(Date.now() - DAY).toISOString();
    const to = new Date((await w.sim.now()).getTime() + 2 * DAY).toISOString();
    const rec = await w.stack.app.inject({ method: 'GET', url: `/api/v1/payments/reconciliation?from=${from}&to=${to}`, headers: w.admin.headers });
    expect(rec.statusCode, rec.body).toBe(200);
    expect(rec.json().differences).toEqual([]);
    expect(rec.json().ledger.netCents).toBe(rec.json().gatewayTotals.netCents);

    // at the gateway: card detached, subscription cancelled, customer redacted
    expect((await w.sim.stripe.retrievePaymentMethod(family.cardId)).customer).toBeNull();
    expect((await w.sim.stripe.retrieveSubscription(family.subscriptionId)).status).toBe('canceled');
    expect(await w.sim.stripe.retrieveCustomer(family.customerId)).toMatchObject({ name: `Erased family #${request.id}`, email: `erased-${parent.id}@erased.invalid` });
    const [saved] = await w.sql<{ n: number }>('SELECT count(*)::int AS n FROM saved_payment_methods WHERE parent_id = $1', [parent.id]);
    expect(saved!.n).toBe(0);

    // the account is closed: sign-in fails, the old token is refused, the student has left
    expect((await login()).statusCode).toBe(401);
    expect((await w.stack.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: parent.headers })).statusCode).toBe(401);
    const [student] = await w.sql<{ is_active: boolean }>('SELECT is_active FROM students WHERE id = $1', [family.studentId]);
    expect(student!.is_active).toBe(false);
    const [user] = await w.sql<{ is_active: boolean; first_name: string; last_name: string }>('SELECT is_active, first_name, last_name FROM users WHERE id = $1', [parent.id]);
    expect(user).toEqual({ is_active: false, first_name: 'Erased', last_name: `family #${request.id}` });
  });
});
