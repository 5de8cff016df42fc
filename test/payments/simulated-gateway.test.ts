import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentGateway, GatewayRequestError, SimulatedGateway } from '../../src/modules/payments/gateway/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

// Parts only the simulated gateway has: state in the database, webhook delivery and redelivery.
// The behaviour shared with Stripe is in gateway-contract.test.ts.

const secret = 'whsec_simulated_gateway_test_secret';
let t: TestDatabase;
let gateway: SimulatedGateway;
let n = 0;
const key = () => `sim-test-${++n}`;

beforeAll(async () => {
  t = await createTestDatabase();
  gateway = new SimulatedGateway(t.db.sql, { webhookSecret: secret });
});
afterAll(async () => {
  await gateway?.deliveriesIdle();
  await t?.dispose();
});

async function paidIntent(g: SimulatedGateway, amountCents = 2500) {
  const customer = await g.createCustomer({ email: 'p@example.com', name: 'Pat Parent' }, { idempotencyKey: key() });
  const pm = await g.attachPaymentMethod({ customerId: customer.id, paymentMethod: 'pm_card_visa', makeDefault: true }, { idempotencyKey: key() });
  const intent = await g.confirmPayment({ customerId: customer.id, paymentMethodId: pm.id, amountCents, currency: 'CAD' }, { idempotencyKey: key() });
  return { customer, pm, intent };
}

describe('the simulated gateway', () => {
  it('is what the factory makes without a Stripe key', () => {
    const made = createPaymentGateway({ stripe: { secretKey: undefined, webhookSecret: undefined, apiUrl: undefined } }, t.db.sql);
    expect(made).toBeInstanceOf(SimulatedGateway);
    expect(made.name).toBe('simulated');
  });

  it('keeps its state in the database: a new instance sees customers, payments, refunds and keys', async () => {
    const { customer, intent } = await paidIntent(gateway);
    await gateway.refund({ paymentIntentId: intent.id, amountCents: 500 }, { idempotencyKey: 'sim-survive-refund' });

    const fresh = new SimulatedGateway(t.db.sql, { webhookSecret: secret });
    expect(await fresh.retrievePayment(intent.id)).toMatchObject({ status: 'succeeded', refundedCents: 500 });
    expect(await fresh.listPaymentMethods(customer.id)).toHaveLength(1);
    // The idempotency key is remembered too: no second refund.
    const again = await fresh.refund({ paymentIntentId: intent.id, amountCents: 500 }, { idempotencyKey: 'sim-survive-refund' });
    expect((await fresh.retrievePayment(intent.id)).refundedCents).toBe(500);
    expect(again.paymentIntentId).toBe(intent.id);
    const rows = await t.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM sim_gateway_objects WHERE object = 'refund'");
    expect(rows[0]?.n).toBe(1);
  });

  it('delivers signed events after the call returns, in order, and they verify', async () => {
    const received: Array<{ payload: string; header: string }> = [];
    gateway.setWebhookDelivery(async (payload, header) => {
      received.push({ payload, header });
    });
    const { intent } = await paidIntent(gateway, 4200);
    expect(received).toHaveLength(0); // not during the call
    await gateway.deliveriesIdle();
    const events = received.map((r) => gateway.verifyWebhook(r.payload, r.header));
    const succeeded = events.find((e) => e.type === 'payment_intent.succeeded' && e.data.object.id === intent.id);
    expect(succeeded?.data.object).toMatchObject({ object: 'payment_intent', amount: 4200, currency: 'cad', status: 'succeeded' });
    expect(succeeded?.id).toMatch(/^evt_/);
    const stored = await gateway.events({ type: 'payment_intent.succeeded' });
    expect(stored.find((s) => s.event.id === succeeded?.id)?.deliveredAt).toBeInstanceOf(Date);
    gateway.setWebhookDelivery(null);
  });

  it('keeps events whose delivery threw pending until redeliverPending succeeds', async () => {
    await gateway.redeliverPending(); // nothing to deliver without a callback
    let failing = true;
    const received: string[] = [];
    gateway.setWebhookDelivery(async (payload) => {
      if (failing) throw new Error('receiver down');
      received.push(JSON.parse(payload).id as string);
    });
    const pendingBefore = (await gateway.events({ pending: true })).length;
    const { intent } = await paidIntent(gateway, 1500);
    await gateway.deliveriesIdle();
    const pending = await gateway.events({ pending: true });
    expect(pending.length).toBeGreaterThan(pendingBefore);
    const failed = pending.find((e) => e.event.data.object.id === intent.id);
    expect(failed).toMatchObject({ attempts: 1, lastError: 'receiver down', deliveredAt: null });

    failing = false;
    const delivered = await gateway.redeliverPending();
    expect(delivered).toBe(pending.length);
    expect(received).toContain(failed?.event.id);
    expect(await gateway.events({ pending: true })).toEqual([]);
    expect(await gateway.redeliverPending()).toBe(0);
    gateway.setWebhookDelivery(null);
  });

  it('gives each test card its Stripe brand and last four digits', async () => {
    const customer = await gateway.createCustomer({ email: 'c@example.com', name: 'Card Owner' }, { idempotencyKey: key() });
    const cards: Array<[string, string, string]> = [
      ['pm_card_visa', 'visa', '4242'],
      ['pm_card_visa_debit', 'visa', '5556'],
      ['pm_card_mastercard', 'mastercard', '4444'],
      ['pm_card_amex', 'amex', '8431'],
      ['tok_visa', 'visa', '4242'],
      ['pm_card_chargeCustomerFail', 'visa', '0341'],
    ];
    for (const [reference, brand, last4] of cards) {
      const pm = await gateway.attachPaymentMethod({ customerId: customer.id, paymentMethod: reference }, { idempotencyKey: key() });
      expect(pm).toMatchObject({ brand, last4, customerId: customer.id });
      expect(pm.id).toMatch(/^pm_[A-Za-z0-9]{24}$/);
    }
  });

  it('refuses amounts Stripe refuses, before charging anything', async () => {
    const { customer, pm } = await paidIntent(gateway);
    const tooSmall = gateway.confirmPayment({ customerId: customer.id, paymentMethodId: pm.id, amountCents: 10, currency: 'CAD' }, { idempotencyKey: key() });
    await expect(tooSmall).rejects.toMatchObject({ name: 'GatewayRequestError', code: 'amount_too_small', statusCode: 400 });
    await expect(tooSmall).rejects.toBeInstanceOf(GatewayRequestError);
  });

  it('charges once when the same key arrives twice at the same time (several processes)', async () => {
    const { customer, pm } = await paidIntent(gateway);
    const other = new SimulatedGateway(t.db.sql, { webhookSecret: secret });
    const input = { customerId: customer.id, paymentMethodId: pm.id, amountCents: 7000, currency: 'CAD' };
    const [a, b] = await Promise.all([gateway.confirmPayment(input, { idempotencyKey: 'sim-race' }), other.confirmPayment(input, { idempotencyKey: 'sim-race' })]);
    expect(a.id).toBe(b.id);
    const rows = await t.db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM sim_gateway_objects WHERE object = 'payment_intent' AND data->>'amount' = '7000'");
    expect(rows[0]?.n).toBe(1);
  });

  it('never refunds more than was paid, even under concurrent refunds', async () => {
    const { intent } = await paidIntent(gateway, 5000);
    const results = await Promise.allSettled([
      gateway.refund({ paymentIntentId: intent.id, amountCents: 3000 }, { idempotencyKey: key() }),
      gateway.refund({ paymentIntentId: intent.id, amountCents: 3000 }, { idempotencyKey: key() }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await gateway.retrievePayment(intent.id)).refundedCents).toBe(3000);
  });

  it('does not move the clock backwards', async () => {
    const now = await gateway.now();
    await expect(gateway.advanceClock(new Date(now.getTime() - 86_400_000))).rejects.toBeInstanceOf(GatewayRequestError);
  });
});
