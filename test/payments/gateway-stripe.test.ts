import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentGateway, GatewayRequestError, StripeGateway } from '../../src/modules/payments/gateway/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startStripeStandIn, type StripeStandIn } from '../helpers/stripe-stand-in.js';

// StripeGateway specifics, with the real SDK against the local stand-in: idempotency keys on the
// wire, SDK retries after a lost answer, and which failures are permanent or retryable.

let t: TestDatabase;
let standIn: StripeStandIn;
let gateway: StripeGateway;
let n = 0;
const key = () => `stripe-test-${++n}`;

beforeAll(async () => {
  t = await createTestDatabase();
  standIn = await startStripeStandIn(t.db.sql, { webhookSecret: 'whsec_stripe_gateway_test_secret' });
  gateway = standIn.gateway();
});
afterAll(async () => {
  await standIn?.close();
  await t?.dispose();
});

async function customerWithCard() {
  const customer = await gateway.createCustomer({ email: 's@example.com', name: 'Sam Parent' }, { idempotencyKey: key() });
  const pm = await gateway.attachPaymentMethod({ customerId: customer.id, paymentMethod: 'tok_visa', makeDefault: true }, { idempotencyKey: key() });
  return { customer, pm };
}

describe('StripeGateway', () => {
  it('is what the factory makes when STRIPE_SECRET_KEY is set, pointed at STRIPE_API_URL', async () => {
    const made = createPaymentGateway({ stripe: { secretKey: 'sk_test_factory', webhookSecret: undefined, apiUrl: standIn.url } }, t.db.sql);
    expect(made).toBeInstanceOf(StripeGateway);
    const before = standIn.requests.length;
    await made.createCustomer({ email: 'f@example.com', name: 'Factory' }, { idempotencyKey: key() });
    expect(standIn.requests.length).toBe(before + 1);
  });

  it('sends an idempotency key derived from the caller on every mutating request', async () => {
    const from = standIn.requests.length;
    const { customer, pm } = await customerWithCard();
    await gateway.confirmPayment({ customerId: customer.id, paymentMethodId: pm.id, amountCents: 2500, currency: 'CAD' }, { idempotencyKey: 'run-1:charge' });
    const mutating = standIn.requests.slice(from).filter((r) => r.method !== 'GET');
    expect(mutating.map((r) => r.path)).toEqual([
      '/v1/customers',
      '/v1/payment_methods',
      expect.stringMatching(/^\/v1\/payment_methods\/pm_\w+\/attach$/),
      `/v1/customers/${customer.id}`,
      '/v1/payment_intents',
    ]);
    expect(mutating.every((r) => r.idempotencyKey !== null)).toBe(true);
    expect(mutating.at(-1)?.idempotencyKey).toBe('run-1:charge');
  });

  it('charges once when the answer is lost after the charge and the SDK retries', async () => {
    const { customer, pm } = await customerWithCard();
    const hold = standIn.holdResponse('/v1/payment_intents', 'POST');
    const pending = gateway.confirmPayment({ customerId: customer.id, paymentMethodId: pm.id, amountCents: 3300, currency: 'CAD' }, { idempotencyKey: 'run-2:charge' });
    const request = await hold.reached;
    expect(request.idempotencyKey).toBe('run-2:charge');
    hold.release('drop'); // the card was charged, the answer never arrives
    const intent = await pending;
    expect(intent.status).toBe('succeeded');
    const attempts = standIn.requests.filter((r) => r.idempotencyKey === 'run-2:charge');
    expect(attempts.map((r) => r.status)).toEqual([0, 200]);
    const charged = (await standIn.sim.listPayments({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) })).filter((p) => p.customerId === customer.id);
    expect(charged.map((p) => p.id)).toEqual([intent.id]);
  });

  it('rethrows server errors (retryable) and turns refusals into GatewayRequestError', async () => {
    standIn.hooks.onRequest = (req) => {
      if (req.path === '/v1/customers') throw new Error('stand-in outage');
    };
    try {
      const failure = await gateway.createCustomer({ email: 'x@example.com', name: 'X' }, { idempotencyKey: key() }).catch((e: unknown) => e);
      expect(failure).not.toBeInstanceOf(GatewayRequestError);
      expect(failure).toMatchObject({ statusCode: 500 });
    } finally {
      standIn.hooks.onRequest = undefined;
    }
    await expect(gateway.retrievePayment('pi_missing')).rejects.toMatchObject({ name: 'GatewayRequestError', code: 'resource_missing', statusCode: 404 });
    const wrongKey = new StripeGateway({ secretKey: 'sk_wrong', apiUrl: standIn.url });
    await expect(wrongKey.retrievePayment('pi_missing')).rejects.toMatchObject({ name: 'GatewayRequestError', statusCode: 401 });
  });

  it('refuses webhooks when no signing secret is configured', () => {
    const unsigned = new StripeGateway({ secretKey: 'sk_test_x', apiUrl: standIn.url });
    expect(() => unsigned.verifyWebhook('{}', 't=1,v1=abc')).toThrow(/STRIPE_WEBHOOK_SECRET/);
  });
});
