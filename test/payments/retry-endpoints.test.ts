/**
 * POST /api/v1/payments/{id}/retry (admin; a parent their own) and
 * POST /api/v1/payments/{id}/cancel-retries (admin): charging a failed payment now on the default
 * card, once however often it is asked, never once it is paid or settled; ending its automatic
 * retries, even for a retry run already started. Bad input, access. Simulated gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, type Family, type PaymentWorld, type User } from './fixture.js';
import { debtHelpers } from './debts.js';

describe('retry and cancel-retries of a failed payment (simulated gateway)', () => {
  let w: PaymentWorld;
  let h: ReturnType<typeof debtHelpers>;
  beforeAll(async () => {
    w = await createPaymentWorld('simulated');
    h = debtHelpers(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  const retry = (id: number | string, user: User = w.admin) => h.inject('POST', `/api/v1/payments/${id}/retry`, user);
  const cancel = (id: number | string, user: User = w.admin) => h.inject('POST', `/api/v1/payments/${id}/cancel-retries`, user);

  it('charges a failed payment now on the default card, once for concurrent requests, then refuses: paid', async () => {
    const f: Family = await w.family();
    const debt = await h.declined(f);
    const none = await retry(debt);
    expect(none.statusCode).toBe(409);
    expect(none.json().error.message).toMatch(/no default card/);

    const card = await h.saveDefaultCard(f);
    const [a, b] = await Promise.all([retry(debt), retry(debt, f.parent)]);
    expect(a!.statusCode, a!.body).toBe(200);
    expect(b!.statusCode, b!.body).toBe(200);
    expect(a!.json()).toMatchObject({ paymentId: debt, status: 'succeeded' });
    expect(b!.json().runId).toBe(a!.json().runId);
    expect(await h.payment(debt)).toMatchObject({ status: 'succeeded', attempt_count: 2, gateway_payment_method_id: card, next_retry_at: null });
    expect(await h.chargedAtGateway(f)).toEqual([4500]);
    expect(await h.ledger(f)).toHaveLength(1);
    const audit = await w.sql<{ action: string; actor_id: number }>(
      `SELECT action, actor_id FROM audit_log WHERE entity = 'payment' AND entity_id = $1 AND action = 'payment.retry_requested'`,
      [String(debt)],
    );
    expect(audit).toHaveLength(1);

    const paid = await retry(debt);
    expect(paid.statusCode).toBe(409);
    expect(paid.json().error.message).toMatch(/already paid/);
    expect(await h.chargedAtGateway(f)).toEqual([4500]);
  });

  it('a retry asked for while the dunning schedule goes on counts as the next attempt; a declined one keeps the schedule', async () => {
    const f = await w.family();
    const debt = await h.declined(f);
    const first = (await h.payment(debt)).first_failed_at as Date;
    await h.saveDefaultCard(f, 'pm_card_chargeCustomerFail');
    const res = await retry(debt, f.parent);
    expect(res.json()).toMatchObject({ status: 'failed', retryScheduledAt: new Date(first.getTime() + 3 * 86_400_000).toISOString() });
    expect(await h.payment(debt)).toMatchObject({ status: 'failed', attempt_count: 2 });
  });

  it('refuses a payment settled by another one, or not failed', async () => {
    const f = await w.family();
    const debt = await h.declined(f);
    await h.saveDefaultCard(f);
    const settled = await w.process(f.parent, { studentId: f.children[0], amountCents: 4500, description: 'Settle', settlesPaymentId: debt });
    expect(settled.json().status).toBe('succeeded');
    const res = await retry(debt);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(new RegExp(`settled by payment ${settled.json().paymentId}`));
    expect((await cancel(debt)).statusCode).toBe(409);
    expect((await retry(settled.json().paymentId)).statusCode).toBe(409);
    expect(await h.chargedAtGateway(f)).toEqual([4500]);
  });

  it('cancels the automatic retries, even of a run a cron firing already started; the debt stays owed and can still be charged on request', async () => {
    const f = await w.family();
    const debt = await h.declined(f);
    await h.saveDefaultCard(f);
    const res = await cancel(debt);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: debt, status: 'failed', nextRetryAt: null, retriesCancelledAt: expect.any(String) });
    expect((await cancel(debt)).json().retriesCancelledAt).toBe(res.json().retriesCancelledAt);
    await w.makeRetriesDue([debt]);
    expect(await w.runDueRetries()).toEqual([]);
    expect(await h.retryRunFromStaleCron(debt, 'cancelled')).toBe('stopped');
    expect(await h.chargedAtGateway(f)).toEqual([]);
    expect(await h.balance(f)).toMatchObject({ outstandingCents: 4500 });
    const audit = await w.sql<{ actor_id: number }>(`SELECT actor_id FROM audit_log WHERE entity = 'payment' AND entity_id = $1 AND action = 'payment.retries_cancelled'`, [
      String(debt),
    ]);
    expect(audit).toEqual([{ actor_id: w.admin.id }]);

    const now = await retry(debt);
    expect(now.json()).toMatchObject({ status: 'succeeded' });
    expect(await h.chargedAtGateway(f)).toEqual([4500]);
    expect(await h.balance(f)).toMatchObject({ outstandingCents: 0 });
  });

  it('answers 400 for a bad id, 404 for an unknown payment or another family’s, 403 for teachers and for parents cancelling', async () => {
    const f = await w.family();
    const other = await w.family();
    const debt = await h.declined(f);
    await h.saveDefaultCard(f);
    for (const call of [retry, cancel]) {
      const bad = await call('abc');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details[0].field).toBe('params.id');
      expect((await call(2_000_000)).statusCode).toBe(404);
      expect((await call(debt, w.teacher)).statusCode).toBe(403);
      expect((await w.stack.app.inject({ method: 'POST', url: `/api/v1/payments/${debt}/retry` })).statusCode).toBe(401);
    }
    expect((await retry(debt, other.parent)).statusCode).toBe(404);
    expect((await cancel(debt, f.parent)).statusCode).toBe(403);
    expect(await h.payment(debt)).toMatchObject({ status: 'failed', attempt_count: 1, retries_cancelled_at: null });
    expect(await h.chargedAtGateway(f)).toEqual([]);
  });
});
