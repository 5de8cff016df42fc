/**
 * Deliveries to the gateway webhook, whose body is raw bytes under a `Stripe-Signature`: bad or
 * missing signatures (must be a 400 in the envelope), and correctly signed events with hostile
 * fields (the handlers must refuse or ignore them, never fail with a 5xx).
 */
import fc from 'fast-check';
import { signWebhookPayload } from '../../src/modules/payments/gateway/webhook-signature.js';
import { extremeNumbers, HUGE, nastyStrings, numberishStrings } from './values.js';

/** STRIPE_WEBHOOK_SECRET of the fuzzed app, so that some deliveries carry a valid signature. */
export const FUZZ_WEBHOOK_SECRET = 'whsec_fuzz_secret_0123456789abcdef0123456789';

const eventTypes = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'unknown.event',
];

const anyOdd = fc.constantFrom<unknown>(null, true, [], {}, '', ...nastyStrings.slice(0, 20), ...extremeNumbers, ...numberishStrings);
const idLike = (prefix: string) => fc.oneof(fc.constantFrom(`${prefix}_fuzz`, `${prefix}_${'9'.repeat(30)}`), anyOdd);
const amount = fc.oneof(fc.integer({ min: -1000, max: 1_000_000 }), fc.constantFrom<unknown>(...extremeNumbers, '4500', null));
const unix = fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom<unknown>(...extremeNumbers, -62_167_219_200, 253_402_300_800, '1700000000'));
const metadata = fc.oneof(
  fc.record(
    {
      paymentId: fc.oneof(fc.constantFrom('1', '2', '0', '01', '4294967296', '9999999999'), anyOdd),
      parentId: fc.oneof(fc.constantFrom('1', '3'), anyOdd),
      subscriptionId: fc.oneof(fc.constantFrom('1'), anyOdd),
    },
    { requiredKeys: [] },
  ),
  anyOdd,
);

/** A `data.object` with the fields the handlers read, each sometimes hostile. */
const eventObject = fc.record(
  {
    id: idLike('pi'),
    object: fc.constantFrom('payment_intent', 'charge', 'invoice', 'subscription'),
    amount,
    amount_received: amount,
    amount_due: amount,
    amount_paid: amount,
    currency: fc.oneof(fc.constantFrom('cad', 'usd', 'CAD'), anyOdd),
    customer: idLike('cus'),
    payment_intent: idLike('pi'),
    latest_charge: fc.oneof(idLike('ch'), fc.record({ id: idLike('ch') })),
    payment_method: idLike('pm'),
    subscription: idLike('sub'),
    status: fc.oneof(fc.constantFrom('succeeded', 'active', 'canceled', 'past_due', 'requires_payment_method'), anyOdd),
    created: unix,
    period_start: unix,
    period_end: unix,
    current_period_start: unix,
    current_period_end: unix,
    canceled_at: unix,
    attempt_count: amount,
    metadata,
    refunds: fc.oneof(
      fc.record({ data: fc.array(fc.record({ id: idLike('re'), amount, created: unix, status: fc.constantFrom('succeeded', 'pending') }), { maxLength: 2 }) }),
      anyOdd,
    ),
    last_payment_error: fc.oneof(fc.record({ code: fc.constantFrom('card_declined'), message: fc.constantFrom(...nastyStrings.slice(0, 12)) }), anyOdd),
  },
  { requiredKeys: [] },
);

const event = fc.record({
  id: fc.oneof(
    fc.string({ minLength: 1, maxLength: 30 }).map((s) => `evt_${s}`),
    anyOdd,
  ),
  type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...eventTypes) }, anyOdd),
  created: unix,
  data: fc.oneof({ weight: 4, arbitrary: fc.record({ object: eventObject }) }, anyOdd),
});

const rawBodies = fc.constantFrom('', '{', 'not json', '\u0000', 'x'.repeat(HUGE), '[]', 'null', '{"id":"evt_1"}', '{"data":null}');

const badSignatures = fc.constantFrom(
  '',
  'garbage',
  't=1,v1=abc',
  't=,v1=',
  `v1=${'0'.repeat(64)}`,
  `t=1700000000,v1=${'f'.repeat(64)}`,
  `t=${'9'.repeat(400)},v1=00`,
  't=1\u0000,v1=a',
  'x'.repeat(HUGE),
);

export interface WebhookDelivery {
  payload: string;
  /** Undefined → no Stripe-Signature header. */
  signature: string | undefined;
  mutation: string;
}

/**
 * One delivery. Valid signatures are made at generation time with the current clock (Stripe's
 * check refuses signatures older than 5 minutes), so requests should be sent soon after sampling.
 */
export const webhookDeliveries: fc.Arbitrary<WebhookDelivery> = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        event.map((e) => JSON.stringify(e)),
        rawBodies,
      ),
      badSignatures,
    )
    .map(([payload, signature]) => ({ payload, signature, mutation: 'webhook:bad-signature' })),
  fc
    .oneof(
      event.map((e) => JSON.stringify(e)),
      rawBodies,
    )
    .map((payload) => ({ payload, signature: undefined, mutation: 'webhook:no-signature' })),
  event.map((e) => JSON.stringify(e)).map((payload) => ({ payload, signature: signWebhookPayload(payload, FUZZ_WEBHOOK_SECRET), mutation: 'webhook:signed-event' })),
  rawBodies.map((payload) => ({ payload, signature: signWebhookPayload(payload, FUZZ_WEBHOOK_SECRET), mutation: 'webhook:signed-raw' })),
  event
    .map((e) => JSON.stringify(e))
    .map((payload) => ({ payload, signature: signWebhookPayload(payload, FUZZ_WEBHOOK_SECRET, 1_000_000_000), mutation: 'webhook:stale-signature' })),
);
