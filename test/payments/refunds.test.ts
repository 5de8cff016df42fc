/**
 * POST /api/v1/payments/{id}/refund (admin): partial and full refunds at the gateway, recorded once
 * in the ledger (the charge.refunded webhooks that follow change nothing), repeated requests
 * refunding once, refunds made in the gateway's dashboard picked up from the webhook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, gatewayKinds, type Family, type PaymentWorld } from './fixture.js';

describe.each(gatewayKinds)('refunds on the %s gateway', (kind) => {
  let w: PaymentWorld;
  let f: Family;

  beforeAll(async () => {
    w = await createPaymentWorld(kind);
    f = await w.family();
  });
  afterAll(async () => {
    await w?.close();
  });

  const paid = async (amountCents = 4500): Promise<number> => {
    const res = await w.process(f.parent, { studentId: f.children[0], amountCents, paymentMethodId: 'pm_card_visa', description: 'Lesson' });
    expect(res.json().status).toBe('succeeded');
    return res.json().paymentId;
  };
  const refund = (id: number, payload: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    w.stack.app.inject({ method: 'POST', url: `/api/v1/payments/${id}/refund`, headers: { ...w.admin.headers, ...headers }, payload });
  const ledger = (paymentId: number) =>
    w.sql<{ kind: string; amount_cents: number }>('SELECT kind, amount_cents FROM ledger_entries WHERE payment_id = $1 ORDER BY id', [paymentId]);
  const gatewayRefunds = async (paymentId: number) => {
    const [row] = await w.sql<{ gateway_payment_intent_id: string }>('SELECT gateway_payment_intent_id FROM payments WHERE id = $1', [paymentId]);
    const all = await w.sim.stripe.listRefunds({ from: new Date(0), to: new Date(Date.now() + 86_400_000) });
    return all.filter((r) => r.payment_intent === row!.gateway_payment_intent_id);
  };

  it('refunds part, then the rest, each once, and records them in the ledger', async () => {
    const id = await paid();
    const part = await refund(id, { amountCents: 1000 });
    expect(part.statusCode, part.body).toBe(200);
    expect(part.json()).toMatchObject({ paymentId: id, amountCents: 1000, refundedCents: 1000, status: 'partially_refunded', refundId: expect.stringMatching(/^re_/) });
    // the same request again (a client retry) refunds nothing more
    const retried = await refund(id, { amountCents: 1000 }, { 'idempotency-key': 'unused-before' });
    expect(retried.json().refundedCents).toBe(2000); // a new key is a new refund…
    const again = await refund(id, { amountCents: 500 }, { 'idempotency-key': 'once' });
    const twice = await refund(id, { amountCents: 500 }, { 'idempotency-key': 'once' });
    expect(twice.json()).toMatchObject({ refundId: again.json().refundId, refundedCents: 2500 }); // …the same key is not
    const rest = await refund(id);
    expect(rest.json()).toMatchObject({ amountCents: 2000, refundedCents: 4500, status: 'refunded' });
    await w.idle();
    expect(await ledger(id)).toEqual([
      { kind: 'payment', amount_cents: 4500 },
      { kind: 'refund', amount_cents: -1000 },
      { kind: 'refund', amount_cents: -1000 },
      { kind: 'refund', amount_cents: -500 },
      { kind: 'refund', amount_cents: -2000 },
    ]);
    expect((await gatewayRefunds(id)).map((r) => r.amount).sort((a, b) => a - b)).toEqual([500, 1000, 1000, 2000]);
    expect(await w.sql('SELECT status, refunded_cents FROM payments WHERE id = $1', [id])).toEqual([{ status: 'refunded', refunded_cents: 4500 }]);
    const audit = await w.sql<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'payment' AND entity_id = $1 AND action = 'payment.refunded'`, [String(id)]);
    expect(audit[0]!.n).toBe(4);
    // nothing left to refund
    expect((await refund(id)).statusCode).toBe(409);
  });

  it('refunds everything with no amount, and the billing balance follows', async () => {
    const id = await paid(3000);
    const before = (await w.stack.app.inject({ method: 'GET', url: `/api/v1/billing/${f.parent.id}`, headers: f.parent.headers })).json().balance;
    const res = await refund(id);
    expect(res.json()).toMatchObject({ amountCents: 3000, refundedCents: 3000, status: 'refunded' });
    await w.idle();
    const after = (await w.stack.app.inject({ method: 'GET', url: `/api/v1/billing/${f.parent.id}`, headers: f.parent.headers })).json().balance;
    expect(after.refundedCents - before.refundedCents).toBe(3000);
    expect(after.paidCents).toBe(before.paidCents);
    expect(after.netPaidCents).toBe(after.paidCents - after.refundedCents);
  });

  it('refuses refunds of payments that did not succeed, and over-refunds', async () => {
    const failed = await w.process(f.parent, { studentId: f.children[0], amountCents: 2000, paymentMethodId: 'pm_card_chargeDeclined', description: 'Lesson' });
    expect((await refund(failed.json().paymentId)).statusCode).toBe(409);
    const id = await paid(2000);
    const over = await refund(id, { amountCents: 2001 });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.details[0].field).toBe('body.amountCents');
    expect(await ledger(id)).toEqual([{ kind: 'payment', amount_cents: 2000 }]);
  });

  it('records a refund made in the gateway dashboard from its webhook', async () => {
    const id = await paid(5000);
    const [row] = await w.sql<{ gateway_payment_intent_id: string }>('SELECT gateway_payment_intent_id FROM payments WHERE id = $1', [id]);
    const made = await w.stack.services.gateway.refund({ paymentIntentId: row!.gateway_payment_intent_id, amountCents: 1200 }, { idempotencyKey: `dashboard-${kind}` });
    await w.idle();
    expect(await ledger(id)).toEqual([
      { kind: 'payment', amount_cents: 5000 },
      { kind: 'refund', amount_cents: -1200 },
    ]);
    expect(await w.sql('SELECT status, refunded_cents FROM payments WHERE id = $1', [id])).toEqual([{ status: 'partially_refunded', refunded_cents: 1200 }]);
    const [entry] = await w.sql<{ gateway_object_id: string }>(`SELECT gateway_object_id FROM ledger_entries WHERE payment_id = $1 AND kind = 'refund'`, [id]);
    expect(entry!.gateway_object_id).toBe(made.id);
  });
});
