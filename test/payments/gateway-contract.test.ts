import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayRequestError, SimulatedGateway, WebhookSignatureError, type PaymentGateway, type StoredEvent } from '../../src/modules/payments/gateway/index.js';
import { signWebhookPayload } from '../../src/modules/payments/gateway/webhook-signature.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { startStripeStandIn, type StripeStandIn } from '../helpers/stripe-stand-in.js';

// One behaviour suite, run against the simulated gateway and against the StripeGateway (the real
// `stripe` SDK) talking to the local Stripe stand-in: both must behave the same.

const secret = 'whsec_contract_test_secret_0123456789';

interface Subject {
  gateway: PaymentGateway;
  /** The simulated gateway holding the state (itself, or the one behind the stand-in). */
  sim: SimulatedGateway;
}

const variants: Array<[string, (t: TestDatabase) => Promise<Subject & { close(): Promise<void> }>]> = [
  [
    'simulated gateway',
    async (t) => {
      const sim = new SimulatedGateway(t.db.sql, { webhookSecret: secret });
      return { gateway: sim, sim, close: () => sim.deliveriesIdle() };
    },
  ],
  [
    'Stripe gateway (stripe SDK → local stand-in)',
    async (t) => {
      const standIn: StripeStandIn = await startStripeStandIn(t.db.sql, { webhookSecret: secret });
      return { gateway: standIn.gateway(), sim: standIn.sim, close: () => standIn.close() };
    },
  ],
];

describe.each(variants)('%s', (_name, make) => {
  let t: TestDatabase;
  let s: Subject & { close(): Promise<void> };
  let n = 0;
  const key = () => `contract-${++n}-${Math.random().toString(36).slice(2)}`;
  const events = async (type: string, objectId: string): Promise<StoredEvent[]> => (await s.sim.events({ type })).filter((e) => e.event.data.object.id === objectId);

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await make(t);
  });
  afterAll(async () => {
    await s?.close();
    await t?.dispose();
  });

  async function customerWithCard(card = 'pm_card_visa') {
    const customer = await s.gateway.createCustomer({ email: 'parent@example.com', name: 'Pat Parent', metadata: { parentId: '12' } }, { idempotencyKey: key() });
    const pm = await s.gateway.attachPaymentMethod({ customerId: customer.id, paymentMethod: card, makeDefault: true }, { idempotencyKey: key() });
    return { customer, pm };
  }

  describe('customers and payment methods', () => {
    it('creates a customer once per idempotency key', async () => {
      const k = key();
      const input = { email: 'a@example.com', name: 'Ada Parent', metadata: { parentId: '7' } };
      const first = await s.gateway.createCustomer(input, { idempotencyKey: k });
      expect(first).toEqual({ id: expect.stringMatching(/^cus_\w{24}$/), email: 'a@example.com', name: 'Ada Parent', metadata: { parentId: '7' } });
      expect(await s.gateway.createCustomer(input, { idempotencyKey: k })).toEqual(first);
      await expect(s.gateway.createCustomer({ ...input, name: 'Other' }, { idempotencyKey: k })).rejects.toMatchObject({
        name: 'GatewayRequestError',
        code: 'idempotency_key_in_use',
      });
    });

    it('attaches test cards as new payment methods with their brand and last 4 digits, and lists them', async () => {
      const { customer, pm } = await customerWithCard('pm_card_visa');
      expect(pm).toMatchObject({ id: expect.stringMatching(/^pm_/), customerId: customer.id, brand: 'visa', last4: '4242' });
      expect(pm.id).not.toBe('pm_card_visa');
      expect(pm.expYear).toBeGreaterThan(new Date().getUTCFullYear());
      const mc = await s.gateway.attachPaymentMethod({ customerId: customer.id, paymentMethod: 'tok_mastercard' }, { idempotencyKey: key() });
      expect(mc).toMatchObject({ brand: 'mastercard', last4: '4444' });
      const amex = await s.gateway.attachPaymentMethod({ customerId: customer.id, paymentMethod: 'pm_card_amex' }, { idempotencyKey: key() });
      expect(amex).toMatchObject({ brand: 'amex', last4: '8431' });
      expect((await s.gateway.listPaymentMethods(customer.id)).map((m) => m.id)).toEqual([pm.id, mc.id, amex.id]);
    });

    it('detaches a saved card (again: no-op) and redacts the customer (privacy erasure)', async () => {
      const { customer, pm } = await customerWithCard('pm_card_visa');
      const detached = await s.gateway.detachPaymentMethod(pm.id, { idempotencyKey: key() });
      expect(detached).toMatchObject({ id: pm.id, customerId: null });
      expect(await s.gateway.listPaymentMethods(customer.id)).toEqual([]);
      expect(await s.gateway.detachPaymentMethod(pm.id, { idempotencyKey: key() })).toMatchObject({ customerId: null });
      const redacted = await s.gateway.redactCustomer(customer.id, { name: 'Erased family #1', email: 'erased-1@erased.invalid' }, { idempotencyKey: key() });
      expect(redacted).toMatchObject({ id: customer.id, name: 'Erased family #1', email: 'erased-1@erased.invalid' });
      await expect(s.gateway.detachPaymentMethod('pm_nope', { idempotencyKey: key() })).rejects.toBeInstanceOf(GatewayRequestError);
    });

    it('refuses an unknown payment method, and declining test cards at attach like Stripe', async () => {
      const { customer } = await customerWithCard();
      await expect(s.gateway.attachPaymentMethod({ customerId: customer.id, paymentMethod: 'pm_nope' }, { idempotencyKey: key() })).rejects.toMatchObject({
        name: 'GatewayRequestError',
        code: 'resource_missing',
      });
      await expect(
        s.gateway.attachPaymentMethod({ customerId: customer.id, paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds' }, { idempotencyKey: key() }),
      ).rejects.toMatchObject({ code: 'insufficient_funds', statusCode: 402 });
      await expect(s.gateway.listPaymentMethods('cus_missing')).rejects.toBeInstanceOf(GatewayRequestError);
    });
  });

  describe('payments', () => {
    it('charges a good card: succeeded with a charge, event payment_intent.succeeded in Stripe shape', async () => {
      const { customer, pm } = await customerWithCard();
      const intent = await s.gateway.confirmPayment(
        { customerId: customer.id, paymentMethodId: pm.id, amountCents: 4500, currency: 'CAD', description: 'Lesson', metadata: { paymentId: '3' } },
        { idempotencyKey: key() },
      );
      expect(intent).toMatchObject({
        id: expect.stringMatching(/^pi_/),
        status: 'succeeded',
        amountCents: 4500,
        currency: 'CAD',
        customerId: customer.id,
        paymentMethodId: pm.id,
        chargeId: expect.stringMatching(/^ch_/),
        failureCode: null,
        refundedCents: 0,
        metadata: { paymentId: '3' },
      });
      expect(await s.gateway.retrievePayment(intent.id)).toEqual(intent);
      const [event] = await events('payment_intent.succeeded', intent.id);
      expect(event?.event.data.object).toMatchObject({ object: 'payment_intent', amount: 4500, currency: 'cad', status: 'succeeded', latest_charge: intent.chargeId });
    });

    const declines: Array<[string, string]> = [
      ['pm_card_chargeDeclined', 'generic_decline'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
      ['pm_card_chargeDeclinedExpiredCard', 'expired_card'],
      ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc'],
      ['pm_card_chargeDeclinedFraudulent', 'fraudulent'],
      ['pm_card_chargeDeclinedProcessingError', 'processing_error'],
      ['tok_chargeDeclined', 'generic_decline'],
    ];
    it.each(declines)('returns a decline of %s as requires_payment_method with %s (no exception)', async (card, code) => {
      const { customer } = await customerWithCard();
      const intent = await s.gateway.confirmPayment({ customerId: customer.id, paymentMethodId: card, amountCents: 3000, currency: 'CAD' }, { idempotencyKey: key() });
      expect(intent).toMatchObject({ status: 'requires_payment_method', failureCode: code, chargeId: null, refundedCents: 0 });
      expect(intent.failureMessage).toEqual(expect.any(String));
      expect(await events('payment_intent.payment_failed', intent.id)).toHaveLength(1);
    });

    it('declines every charge of an attached pm_card_chargeCustomerFail', async () => {
      const { customer, pm } = await customerWithCard('pm_card_chargeCustomerFail');
      expect(pm.last4).toBe('0341');
      const intent = await s.gateway.confirmPayment({ customerId: customer.id, paymentMethodId: pm.id, amountCents: 3000, currency: 'CAD' }, { idempotencyKey: key() });
      expect(intent).toMatchObject({ status: 'requires_payment_method', failureCode: 'generic_decline' });
    });

    it('replays an idempotent confirmation: same intent, charged once; another body with the key is refused', async () => {
      const { customer, pm } = await customerWithCard();
      const k = key();
      const input = { customerId: customer.id, paymentMethodId: pm.id, amountCents: 2000, currency: 'CAD' };
      const first = await s.gateway.confirmPayment(input, { idempotencyKey: k });
      const second = await s.gateway.confirmPayment(input, { idempotencyKey: k });
      expect(second.id).toBe(first.id);
      expect(second.chargeId).toBe(first.chargeId);
      const mine = (await s.gateway.listPayments({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) })).filter((p) => p.customerId === customer.id);
      expect(mine).toHaveLength(1);
      expect(await events('payment_intent.succeeded', first.id)).toHaveLength(1);
      await expect(s.gateway.confirmPayment({ ...input, amountCents: 2100 }, { idempotencyKey: k })).rejects.toMatchObject({ code: 'idempotency_key_in_use' });
      // A declined confirmation replays as the same decline.
      const dk = key();
      const declined = await s.gateway.confirmPayment({ ...input, paymentMethodId: 'pm_card_chargeDeclined' }, { idempotencyKey: dk });
      expect((await s.gateway.confirmPayment({ ...input, paymentMethodId: 'pm_card_chargeDeclined' }, { idempotencyKey: dk })).id).toBe(declined.id);
    });

    it('refunds in part and in full, never more than was paid', async () => {
      const { customer, pm } = await customerWithCard();
      const intent = await s.gateway.confirmPayment({ customerId: customer.id, paymentMethodId: pm.id, amountCents: 5000, currency: 'CAD' }, { idempotencyKey: key() });
      const rk = key();
      const part = await s.gateway.refund({ paymentIntentId: intent.id, amountCents: 1200, reason: 'lesson cancelled' }, { idempotencyKey: rk });
      expect(part).toMatchObject({
        id: expect.stringMatching(/^re_/),
        paymentIntentId: intent.id,
        chargeId: intent.chargeId,
        amountCents: 1200,
        currency: 'CAD',
        status: 'succeeded',
      });
      expect((await s.gateway.refund({ paymentIntentId: intent.id, amountCents: 1200, reason: 'lesson cancelled' }, { idempotencyKey: rk })).id).toBe(part.id);
      expect((await s.gateway.retrievePayment(intent.id)).refundedCents).toBe(1200);
      await expect(s.gateway.refund({ paymentIntentId: intent.id, amountCents: 3801 }, { idempotencyKey: key() })).rejects.toBeInstanceOf(GatewayRequestError);
      const rest = await s.gateway.refund({ paymentIntentId: intent.id }, { idempotencyKey: key() });
      expect(rest.amountCents).toBe(3800);
      expect((await s.gateway.retrievePayment(intent.id)).refundedCents).toBe(5000);
      await expect(s.gateway.refund({ paymentIntentId: intent.id, amountCents: 1 }, { idempotencyKey: key() })).rejects.toMatchObject({ code: 'charge_already_refunded' });
      const refunded = await events('charge.refunded', intent.chargeId!);
      expect(refunded.map((e) => e.event.data.object.amount_refunded)).toEqual([1200, 5000]);
      const declined = await s.gateway.confirmPayment(
        { customerId: customer.id, paymentMethodId: 'pm_card_chargeDeclined', amountCents: 5000, currency: 'CAD' },
        { idempotencyKey: key() },
      );
      await expect(s.gateway.refund({ paymentIntentId: declined.id }, { idempotencyKey: key() })).rejects.toMatchObject({ code: 'charge_not_refundable' });
    });

    it('lists payments and refunds created in a range', async () => {
      const from = new Date(Math.floor(Date.now() / 1000) * 1000);
      const { customer, pm } = await customerWithCard();
      const a = await s.gateway.confirmPayment({ customerId: customer.id, paymentMethodId: pm.id, amountCents: 1000, currency: 'CAD' }, { idempotencyKey: key() });
      const b = await s.gateway.confirmPayment({ customerId: customer.id, paymentMethodId: pm.id, amountCents: 1100, currency: 'CAD' }, { idempotencyKey: key() });
      const r = await s.gateway.refund({ paymentIntentId: b.id, amountCents: 100 }, { idempotencyKey: key() });
      const to = new Date(Date.now() + 2000);
      const listed = await s.gateway.listPayments({ from, to });
      expect(listed.filter((p) => p.customerId === customer.id).map((p) => [p.id, p.refundedCents])).toEqual([
        [a.id, 0],
        [b.id, 100],
      ]);
      expect((await s.gateway.listRefunds({ from, to })).map((x) => x.id)).toContain(r.id);
      expect(await s.gateway.listPayments({ from: new Date('2001-01-01'), to: new Date('2001-02-01') })).toEqual([]);
    });
  });

  describe('webhook signatures', () => {
    const payload = JSON.stringify({ id: 'evt_test', object: 'event', type: 'payment_intent.succeeded', created: 1, data: { object: { id: 'pi_1' } } });

    it('accepts a good signature and parses the event', () => {
      const event = s.gateway.verifyWebhook(Buffer.from(payload), signWebhookPayload(payload, secret));
      expect(event).toMatchObject({ id: 'evt_test', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } });
    });

    it('refuses forged, missing, tampered and stale signatures', () => {
      expect(() => s.gateway.verifyWebhook(payload, signWebhookPayload(payload, 'whsec_someone_else_entirely'))).toThrow(WebhookSignatureError);
      expect(() => s.gateway.verifyWebhook(payload, undefined)).toThrow(WebhookSignatureError);
      expect(() => s.gateway.verifyWebhook(payload.replace('pi_1', 'pi_2'), signWebhookPayload(payload, secret))).toThrow(WebhookSignatureError);
      const stale = signWebhookPayload(payload, secret, Math.floor(Date.now() / 1000) - 301);
      expect(() => s.gateway.verifyWebhook(payload, stale)).toThrow(WebhookSignatureError);
      expect(() => s.gateway.verifyWebhook(payload, 't=abc,v1=def')).toThrow(WebhookSignatureError);
    });
  });

  // Last: advancing the test clock moves this database's gateway time forward for good.
  describe('subscriptions and the test clock', () => {
    it('bills a monthly subscription at once and again when a month has passed', async () => {
      const { customer, pm } = await customerWithCard();
      const sub = await s.gateway.createSubscription(
        { customerId: customer.id, amountCents: 16000, currency: 'CAD', interval: 'month', description: 'Piano, weekly', metadata: { studentId: '4' } },
        { idempotencyKey: key() },
      );
      expect(sub).toMatchObject({
        id: expect.stringMatching(/^sub_/),
        customerId: customer.id,
        status: 'active',
        amountCents: 16000,
        currency: 'CAD',
        interval: 'month',
        cancelAtPeriodEnd: false,
        metadata: { studentId: '4' },
      });
      const days = (sub.currentPeriodEnd.getTime() - sub.currentPeriodStart.getTime()) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(28);
      expect(days).toBeLessThanOrEqual(31);
      const [first] = await s.gateway.listInvoices(customer.id);
      expect(first).toMatchObject({
        id: expect.stringMatching(/^in_/),
        subscriptionId: sub.id,
        status: 'paid',
        amountPaidCents: 16000,
        paymentIntentId: expect.stringMatching(/^pi_/),
      });
      expect(await events('customer.subscription.created', sub.id)).toHaveLength(1);

      expect(await s.sim.advanceClock(new Date(sub.currentPeriodEnd.getTime() + 3_600_000))).toBeGreaterThanOrEqual(1);
      const invoices = await s.gateway.listInvoices(customer.id);
      expect(invoices.map((i) => i.status)).toEqual(['paid', 'paid']);
      expect(invoices[1]!.periodStart).toEqual(sub.currentPeriodEnd);
      const after = await s.gateway.retrieveSubscription(sub.id);
      expect(after).toMatchObject({ status: 'active', currentPeriodStart: sub.currentPeriodEnd });
      const paid = (await s.sim.events({ type: 'invoice.paid' })).filter((e) => e.event.data.object.customer === customer.id);
      expect(paid).toHaveLength(2);
      expect(paid[1]?.event.data.object).toMatchObject({ object: 'invoice', amount_paid: 16000, currency: 'cad', billing_reason: 'subscription_cycle' });
      expect(pm.id).toMatch(/^pm_/);
    });

    it('marks the subscription past_due when the renewal is declined, bills terms every 4 months, updates and cancels', async () => {
      const { customer } = await customerWithCard();
      const sub = await s.gateway.createSubscription(
        { customerId: customer.id, amountCents: 60000, currency: 'CAD', interval: 'term', description: 'Violin term' },
        { idempotencyKey: key() },
      );
      expect(sub).toMatchObject({ status: 'active', interval: 'term' });
      const months =
        (sub.currentPeriodEnd.getUTCFullYear() - sub.currentPeriodStart.getUTCFullYear()) * 12 + sub.currentPeriodEnd.getUTCMonth() - sub.currentPeriodStart.getUTCMonth();
      expect(months).toBe(4);

      const cheaper = await s.gateway.updateSubscription(sub.id, { amountCents: 55000 }, { idempotencyKey: key() });
      expect(cheaper).toMatchObject({ amountCents: 55000, interval: 'term', currentPeriodEnd: sub.currentPeriodEnd });
      await s.gateway.attachPaymentMethod({ customerId: customer.id, paymentMethod: 'pm_card_chargeCustomerFail', makeDefault: true }, { idempotencyKey: key() });
      await s.sim.advanceClock(new Date(sub.currentPeriodEnd.getTime() + 60_000));
      expect(await s.gateway.retrieveSubscription(sub.id)).toMatchObject({ status: 'past_due' });
      const invoices = await s.gateway.listInvoices(customer.id);
      expect(invoices.map((i) => [i.status, i.amountDueCents])).toEqual([
        ['paid', 60000],
        ['open', 55000],
      ]);
      expect((await s.sim.events({ type: 'invoice.payment_failed' })).some((e) => e.event.data.object.id === invoices[1]!.id)).toBe(true);

      const canceled = await s.gateway.cancelSubscription(sub.id, { idempotencyKey: key() });
      expect(canceled.status).toBe('canceled');
      expect(await events('customer.subscription.deleted', sub.id)).toHaveLength(1);
      await expect(s.gateway.cancelSubscription(sub.id, { idempotencyKey: key() })).rejects.toBeInstanceOf(GatewayRequestError);
    });

    it('refuses a subscription without a payment method', async () => {
      const customer = await s.gateway.createCustomer({ email: 'none@example.com', name: 'No Card' }, { idempotencyKey: key() });
      await expect(
        s.gateway.createSubscription({ customerId: customer.id, amountCents: 5000, currency: 'CAD', interval: 'month', description: 'x' }, { idempotencyKey: key() }),
      ).rejects.toBeInstanceOf(GatewayRequestError);
    });
  });
});
