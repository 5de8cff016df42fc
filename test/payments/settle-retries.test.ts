/**
 * A failed payment settled by another payment ends its dunning retries, so the family is never
 * charged twice for one debt: a payment naming it (`settlesPaymentId`), a payment for the same
 * lesson, even a retry run a cron firing had already started. A settlement that fails gives the
 * debt back to its own schedule. POST /payments/process without a card charges the default one.
 * Simulated gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, type PaymentWorld } from './fixture.js';
import { debtHelpers } from './debts.js';

describe('settling a failed payment ends its retries (simulated gateway)', () => {
  let w: PaymentWorld;
  let h: ReturnType<typeof debtHelpers>;
  beforeAll(async () => {
    w = await createPaymentWorld('simulated');
    h = debtHelpers(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('decline → the family pays with another card settling it → the retry cron fires → no second charge', async () => {
    const f = await w.family();
    const lessonId = await w.lesson(f.children[0]!);
    const debt = await h.declined(f, { lessonId });
    const card = await h.saveDefaultCard(f, 'pm_card_mastercard');

    const res = await w.process(f.parent, { studentId: f.children[0], amountCents: 4500, paymentMethodId: card, description: 'Piano lesson, paid again', settlesPaymentId: debt });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'succeeded', settlesPaymentId: debt });
    const paidBy = res.json().paymentId;
    expect(await h.payment(debt)).toMatchObject({ status: 'cancelled', settled_by_payment_id: paidBy, next_retry_at: null, retries_cancelled_at: expect.any(Date) });
    const view = await h.inject('GET', `/api/v1/payments/${debt}`, f.parent);
    expect(view.json()).toMatchObject({ status: 'cancelled', settledByPaymentId: paidBy, retriesCancelledAt: expect.any(String), nextRetryAt: null });

    // the days of the dunning schedule pass and the cron fires: nothing is due any more
    await w.makeRetriesDue([debt]);
    expect(await w.runDueRetries()).toEqual([]);
    // a retry run a firing had started just before the settlement committed stops without charging
    expect(await h.retryRunFromStaleCron(debt, 'a')).toBe('stopped');

    expect(await h.chargedAtGateway(f)).toEqual([4500]);
    expect(await h.ledger(f)).toEqual([{ payment_id: paidBy, amount_cents: 4500, gateway: 'simulated' }]);
    expect(await h.balance(f)).toMatchObject({ paidCents: 4500, outstandingCents: 0 });
    const [lesson] = await w.sql<{ payment_status: string }>('SELECT payment_status FROM lessons WHERE id = $1', [lessonId]);
    expect(lesson!.payment_status).toBe('paid');
    const audit = await w.sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'payment' AND entity_id = $1 ORDER BY id`, [String(debt)]);
    expect(audit.map((a) => a.action)).toEqual(['create', 'payment.failed', 'payment.settlement_started', 'payment.settled']);
  });

  it('a later successful payment for the same lesson settles the failed one', async () => {
    const f = await w.family();
    const lessonId = await w.lesson(f.children[0]!);
    const debt = await h.declined(f, { lessonId });
    await h.saveDefaultCard(f);
    // no paymentMethodId: the family's default card is charged
    const res = await w.process(f.parent, { studentId: f.children[0], amountCents: 4500, description: 'Piano lesson', lessonId });
    expect(res.json()).toMatchObject({ status: 'succeeded', settlesPaymentId: debt });
    expect(await h.payment(debt)).toMatchObject({ status: 'cancelled', settled_by_payment_id: res.json().paymentId });
    await w.makeRetriesDue([debt]);
    expect(await w.runDueRetries()).toEqual([]);
    expect(await h.retryRunFromStaleCron(debt, 'b')).toBe('stopped');
    expect(await h.chargedAtGateway(f)).toEqual([4500]);
    expect(await h.balance(f)).toMatchObject({ paidCents: 4500, outstandingCents: 0 });
  });

  it('a settlement that is declined gives the debt back to its own schedule and owes nothing itself', async () => {
    const f = await w.family();
    const debt = await h.declined(f);
    const planned = (await h.payment(debt)).next_retry_at as Date;
    const res = await w.process(f.parent, {
      studentId: f.children[0],
      amountCents: 4500,
      paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds',
      description: 'Settle',
      settlesPaymentId: debt,
    });
    expect(res.json()).toMatchObject({ status: 'failed', failureCode: 'insufficient_funds', settlesPaymentId: debt });
    expect(res.json().retryScheduledAt).toBeUndefined();
    const attempt = res.json().paymentId;
    expect(await h.payment(attempt)).toMatchObject({ status: 'failed', next_retry_at: null, retries_cancelled_at: expect.any(Date), settles_payment_id: debt });
    expect(await h.payment(debt)).toMatchObject({ status: 'failed', settled_by_payment_id: null, next_retry_at: planned });
    expect(await h.balance(f)).toMatchObject({ paidCents: 0, outstandingCents: 4500 });
    const [flag] = await w.sql('SELECT 1 FROM family_flags WHERE parent_id = $1', [f.parent.id]);
    expect(flag).toBeUndefined();

    // the debt's own retry runs (once) on the card the family saved since; the failed attempt is never retried
    await h.saveDefaultCard(f);
    await w.makeRetriesDue([debt]);
    expect(await w.runDueRetries()).toHaveLength(1);
    expect(await h.payment(debt)).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    expect(await h.retryRunFromStaleCron(attempt, 'c')).toBe('stopped');
    expect(await h.chargedAtGateway(f)).toEqual([4500]);
    expect(await h.balance(f)).toMatchObject({ paidCents: 4500, outstandingCents: 0 });
  });

  it('refuses to settle a payment whose retry is charging, one already paid, or another family’s, writing nothing', async () => {
    const f = await w.family();
    const other = await w.family();
    const debt = await h.declined(f);
    const card = await h.saveDefaultCard(f);
    const count = async () => (await w.sql<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE parent_id = $1', [f.parent.id]))[0]!.n;
    const before = await count();
    const settle = (body: Record<string, unknown> = {}, user = f.parent) =>
      w.process(user, { studentId: f.children[0], amountCents: 4500, paymentMethodId: card, description: 'Settle', settlesPaymentId: debt, ...body });

    // a dunning retry has claimed the payment and is charging it (as `prepare` leaves it)
    await w.sql(`UPDATE payments SET status = 'processing', attempt_count = 2 WHERE id = $1`, [debt]);
    const busy = await settle();
    expect(busy.statusCode, busy.body).toBe(409);
    expect(busy.json().error.message).toMatch(/in progress/);
    await w.sql(`UPDATE payments SET status = 'failed', attempt_count = 1 WHERE id = $1`, [debt]);

    const short = await settle({ amountCents: 4400 });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details.map((d: { field: string }) => d.field)).toEqual(['body.amountCents']);
    const foreign = await w.process(other.parent, { studentId: other.children[0], amountCents: 4500, paymentMethodId: 'pm_card_visa', description: 'x', settlesPaymentId: debt });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details.map((d: { field: string }) => d.field)).toEqual(['body.settlesPaymentId']);
    expect((await settle({ settlesPaymentId: 'abc' })).json().error.details[0].field).toBe('body.settlesPaymentId');
    expect(await count()).toBe(before);
    expect(await h.chargedAtGateway(f)).toEqual([]);

    expect((await settle()).json()).toMatchObject({ status: 'succeeded' });
    const again = await settle();
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already settled/);
    expect(await h.chargedAtGateway(f)).toEqual([4500]);
  });

  it('charges the default card when no card is named, and names the field when the family has none', async () => {
    const f = await w.family();
    const none = await w.process(f.parent, { studentId: f.children[0], amountCents: 2000, description: 'Theory' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details).toEqual([{ field: 'body.paymentMethodId', message: expect.stringMatching(/no default card/) }]);
    const card = await h.saveDefaultCard(f, 'pm_card_amex');
    const res = await w.process(f.parent, { studentId: f.children[0], amountCents: 2000, description: 'Theory' });
    expect(res.json()).toMatchObject({ status: 'succeeded' });
    expect(await h.payment(res.json().paymentId)).toMatchObject({ gateway_payment_method_id: card });
  });
});
