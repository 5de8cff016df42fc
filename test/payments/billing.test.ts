/**
 * Family billing: one gateway customer per paying parent (several children, one bill), saved
 * payment methods, a lesson subscription per student priced by the lessons in its calendar (monthly or per
 * term) with its invoices, and the family's balance at GET /api/v1/billing/{parentId}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, gatewayKinds, type Family, type PaymentWorld } from './fixture.js';

const DAY = 86_400_000;

describe.each(gatewayKinds)('family billing on the %s gateway', (kind) => {
  let w: PaymentWorld;
  let f: Family;

  beforeAll(async () => {
    w = await createPaymentWorld(kind);
    f = await w.family(2);
  });
  afterAll(async () => {
    await w?.close();
  });

  const billing = async (family = f) => {
    const res = await w.stack.app.inject({ method: 'GET', url: `/api/v1/billing/${family.parent.id}`, headers: family.parent.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const saveCard = (paymentMethod: string, makeDefault = false, family = f, headers = family.parent.headers) =>
    w.stack.app.inject({ method: 'POST', url: `/api/v1/billing/${family.parent.id}/payment-methods`, headers, payload: { paymentMethod, makeDefault } });
  const subscription = (payload: Record<string, unknown>, family = f) =>
    w.stack.app.inject({ method: 'POST', url: `/api/v1/billing/${family.parent.id}/subscription`, headers: w.admin.headers, payload });

  it('bills several children to one gateway customer, with saved cards', async () => {
    const visa = await saveCard('pm_card_visa');
    expect(visa.statusCode, visa.body).toBe(201);
    expect(visa.json()).toMatchObject({ brand: 'visa', last4: '4242', isDefault: true, id: expect.stringMatching(/^pm_/) });
    const mc = await saveCard('tok_mastercard', true, f, w.admin.headers);
    expect(mc.json()).toMatchObject({ brand: 'mastercard', last4: '4444', isDefault: true });
    for (const studentId of f.children) {
      const res = await w.process(f.parent, { studentId, amountCents: 4500, paymentMethodId: mc.json().id, description: 'Lesson' });
      expect(res.json().status).toBe('succeeded');
    }
    const view = await billing();
    expect(view.paymentMethods.map((m: { last4: string; isDefault: boolean }) => [m.last4, m.isDefault])).toEqual([
      ['4444', true],
      ['4242', false],
    ]);
    expect(view.customerId).toMatch(/^cus_/);
    const customers = await w.sql('SELECT gateway_customer_id FROM billing_customers WHERE parent_id = $1', [f.parent.id]);
    expect(customers).toEqual([{ gateway_customer_id: view.customerId }]);
    const intents = (await w.sim.stripe.listPaymentIntents({ from: new Date(0), to: new Date(Date.now() + DAY) })).filter((pi) => pi.customer === view.customerId);
    expect(intents).toHaveLength(2);
    expect(view.balance).toEqual({ paidCents: 9000, refundedCents: 0, netPaidCents: 9000, outstandingCents: 0 });
    expect(view.receipts).toHaveLength(2);
    expect(view.flag).toBeNull();
    // a declining card cannot be saved (Stripe refuses to attach it)
    const declined = await saveCard('pm_card_chargeDeclined');
    expect(declined.statusCode).toBe(400);
    expect(declined.json().error.details[0].field).toBe('body.paymentMethod');
  });

  it('starts a monthly subscription priced by the lessons scheduled in its first month, bills each month, changes and cancels it', async () => {
    for (const days of [3, 10, 17, 24]) await w.lesson(f.children[0]!, days);
    const started = await subscription({ action: 'start', studentId: f.children[0], interval: 'month' });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({
      status: 'active',
      interval: 'month',
      lessonsPerPeriod: 4,
      amountCents: 18_000,
      currency: 'CAD',
      gatewaySubscriptionId: expect.stringMatching(/^sub_/),
    });
    expect((await subscription({ action: 'start', studentId: f.children[0] })).statusCode).toBe(409);
    await w.idle();
    let view = await billing();
    expect(view.invoices).toHaveLength(1);
    expect(view.invoices[0]).toMatchObject({ status: 'paid', amountDueCents: 18_000, amountPaidCents: 18_000, subscriptionId: started.json().id });
    expect(view.balance.paidCents).toBe(9000 + 18_000);

    // a month later the gateway bills the next period, reported by webhook (at the price it has:
    // the subscription-renewals cron, which reprices it from the calendar, did not run here)
    await w.sim.advanceClock(new Date((await w.sim.now()).getTime() + 32 * DAY));
    await w.idle();
    view = await billing();
    expect(view.invoices.filter((i: { status: string }) => i.status === 'paid')).toHaveLength(2);
    expect(view.balance.paidCents).toBe(9000 + 36_000);
    expect(view.subscriptions[0].currentPeriodEnd > started.json().currentPeriodEnd).toBe(true);

    const changed = await subscription({ action: 'change', studentId: f.children[0], lessonsPerPeriod: 2, interval: 'term' });
    expect(changed.statusCode, changed.body).toBe(200);
    // a new interval starts a new period now: its lessons were all charged by the first invoice already
    expect(changed.json()).toMatchObject({ amountCents: 0, lessonsPerPeriod: 2, interval: 'term', status: 'active' });
    const cancelled = await subscription({ action: 'cancel', studentId: f.children[0] });
    expect(cancelled.json()).toMatchObject({ status: 'canceled', canceledAt: expect.any(String) });
    await w.idle();
    expect((await billing()).subscriptions[0]).toMatchObject({ status: 'canceled' });
    expect((await subscription({ action: 'cancel', studentId: f.children[0] })).statusCode).toBe(404);
    const audit = await w.sql<{ action: string; actor_role: string }>(`SELECT action, actor_role FROM audit_log WHERE entity = 'subscription' AND entity_id = $1 ORDER BY id`, [
      String(started.json().id),
    ]);
    expect(audit.filter((a) => a.actor_role === 'admin').map((a) => a.action)).toEqual(['subscription.start', 'subscription.change', 'subscription.cancel']);
    // the gateway's own changes (the webhooks) are audited too
    expect(audit.filter((a) => a.actor_role === 'gateway').map((a) => a.action)).toContain('subscription.updated');
    const invoiceAudit = await w.sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'invoice' AND actor_role = 'gateway'`);
    expect(invoiceAudit.filter((a) => a.action === 'invoice.paid').length).toBeGreaterThanOrEqual(2);
  });

  it('records a failed subscription invoice, tells the family and counts it as owed', async () => {
    const g = await w.family();
    const card = await saveCard('pm_card_chargeCustomerFail', true, g);
    expect(card.statusCode, card.body).toBe(201);
    for (let days = 1; days <= 10; days++) await w.lesson(g.children[0]!, days);
    const started = await subscription({ action: 'start', studentId: g.children[0], interval: 'term', lessonsPerPeriod: 10 }, g);
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ amountCents: 45_000, interval: 'term' });
    await w.idle();
    const view = await billing(g);
    expect(view.invoices).toHaveLength(1);
    expect(view.invoices[0]).toMatchObject({ status: 'open', amountPaidCents: 0, amountDueCents: 45_000 });
    expect(view.balance).toMatchObject({ paidCents: 0, outstandingCents: 45_000 });
    const notices = await w.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_name = 'notification' AND event->>'template' = 'payment_failed' AND (event->>'userId')::int = $1`,
      [g.parent.id],
    );
    expect(notices[0]!.n).toBe(1);
  });
});
