import type { SimulatedStripe } from '../../src/modules/payments/gateway/simulated/core.js';
import { SimulatedStripeError } from '../../src/modules/payments/gateway/simulated/errors.js';
import type { RawPaymentIntent } from '../../src/modules/payments/gateway/simulated/objects.js';
import { expand, FormError, metadata, num, requiredStr, str, sub, type FormTree } from './stripe-form.js';

/** The part of Stripe's REST API the StripeGateway uses, answered by a SimulatedStripe. */

export interface StandInRequest {
  method: string;
  /** Path without the query string, e.g. /v1/payment_intents. */
  path: string;
  /** The form body (POST) or query string (GET, DELETE), parsed. */
  params: FormTree;
  idempotencyKey: string | null;
}

export interface StandInResponse {
  status: number;
  body: unknown;
}

type Handler = (sim: SimulatedStripe, req: StandInRequest, id: string) => Promise<unknown>;

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** Stripe's list envelope, newest first, paged by `limit` and `starting_after`. */
function page<T extends { id: string }>(oldestFirst: T[], params: FormTree, url: string): unknown {
  const all = [...oldestFirst].reverse();
  const after = str(params, 'starting_after');
  const start = after ? all.findIndex((o) => o.id === after) + 1 : 0;
  const limit = num(params, 'limit') ?? 10;
  return { object: 'list', url, has_more: start + limit < all.length, data: all.slice(start, start + limit) };
}

/** `latest_charge` stays an id unless expanded (`expand[]=latest_charge` / `data.latest_charge`). */
const collapse = (pi: RawPaymentIntent, expanded: boolean): RawPaymentIntent =>
  expanded || pi.latest_charge === null || typeof pi.latest_charge === 'string' ? pi : { ...pi, latest_charge: pi.latest_charge.id };

const range = (params: FormTree) => {
  const created = sub(params, 'created');
  return { from: new Date((num(created, 'gte') ?? 0) * 1000), to: new Date((num(created, 'lt') ?? 4_102_444_800) * 1000) };
};

function priceData(item: FormTree) {
  const data = sub(item, 'price_data');
  const recurring = sub(data, 'recurring');
  if (str(recurring, 'interval') !== 'month') throw new FormError('items[0][price_data][recurring][interval]');
  return {
    currency: requiredStr(data, 'currency'),
    product: requiredStr(data, 'product'),
    unit_amount: num(data, 'unit_amount') ?? 0,
    recurring: { interval: 'month' as const, interval_count: num(recurring, 'interval_count') ?? 1 },
  };
}

const routes: Array<[string, RegExp, Handler]> = [
  ['POST', /^\/v1\/products$/, (sim, r) => sim.createProduct({ ...optional('id', str(r.params, 'id')), name: requiredStr(r.params, 'name') }, r.idempotencyKey)],
  ['GET', /^\/v1\/products\/([^/]+)$/, (sim, _r, id) => sim.retrieveProduct(id)],
  [
    'POST',
    /^\/v1\/customers$/,
    (sim, r) =>
      sim.createCustomer(
        { ...optional('email', str(r.params, 'email')), ...optional('name', str(r.params, 'name')), ...optional('metadata', metadata(r.params)) },
        r.idempotencyKey,
      ),
  ],
  ['GET', /^\/v1\/customers\/([^/]+)$/, (sim, _r, id) => sim.retrieveCustomer(id)],
  [
    'POST',
    /^\/v1\/customers\/([^/]+)$/,
    (sim, r, id) => {
      const pm = str(sub(r.params, 'invoice_settings'), 'default_payment_method');
      const fields = { ...optional('name', str(r.params, 'name')), ...optional('email', str(r.params, 'email')), ...optional('metadata', metadata(r.params)) };
      return sim.updateCustomer(id, { ...fields, ...(pm ? { invoice_settings: { default_payment_method: pm } } : {}) }, r.idempotencyKey);
    },
  ],
  ['GET', /^\/v1\/customers\/([^/]+)\/payment_methods$/, async (sim, r, id) => page(await sim.listPaymentMethods(id), r.params, `/v1/customers/${id}/payment_methods`)],
  ['POST', /^\/v1\/payment_methods$/, (sim, r) => sim.createPaymentMethod({ type: 'card', card: { token: requiredStr(sub(r.params, 'card'), 'token') } }, r.idempotencyKey)],
  ['GET', /^\/v1\/payment_methods\/([^/]+)$/, (sim, _r, id) => sim.retrievePaymentMethod(id)],
  ['POST', /^\/v1\/payment_methods\/([^/]+)\/detach$/, (sim, r, id) => sim.detachPaymentMethod(id, r.idempotencyKey)],
  ['POST', /^\/v1\/payment_methods\/([^/]+)\/attach$/, (sim, r, id) => sim.attachPaymentMethod(id, { customer: requiredStr(r.params, 'customer') }, r.idempotencyKey)],
  [
    'POST',
    /^\/v1\/payment_intents$/,
    async (sim, r) => {
      const pi = await sim.createPaymentIntent(
        {
          amount: num(r.params, 'amount') ?? 0,
          currency: requiredStr(r.params, 'currency'),
          ...optional('customer', str(r.params, 'customer')),
          payment_method: requiredStr(r.params, 'payment_method'),
          ...optional('description', str(r.params, 'description')),
          ...optional('metadata', metadata(r.params)),
        },
        r.idempotencyKey,
      );
      if (!pi.last_payment_error) return collapse(pi, expand(r.params).includes('latest_charge'));
      // Stripe answers a declined confirmation with a 402 card error carrying the intent.
      throw Object.assign(new Error(pi.last_payment_error.message), { cardError: { ...pi.last_payment_error, payment_intent: collapse(pi, false) } });
    },
  ],
  ['GET', /^\/v1\/payment_intents\/([^/]+)$/, async (sim, r, id) => collapse(await sim.retrievePaymentIntent(id), expand(r.params).includes('latest_charge'))],
  [
    'GET',
    /^\/v1\/payment_intents$/,
    async (sim, r) => {
      const expanded = expand(r.params).includes('data.latest_charge');
      return page(
        (await sim.listPaymentIntents(range(r.params))).map((pi) => collapse(pi, expanded)),
        r.params,
        '/v1/payment_intents',
      );
    },
  ],
  [
    'POST',
    /^\/v1\/refunds$/,
    (sim, r) =>
      sim.createRefund(
        {
          payment_intent: requiredStr(r.params, 'payment_intent'),
          ...optional('amount', num(r.params, 'amount')),
          ...optional('reason', str(r.params, 'reason')),
          ...optional('metadata', metadata(r.params)),
        },
        r.idempotencyKey,
      ),
  ],
  ['GET', /^\/v1\/refunds$/, async (sim, r) => page(await sim.listRefunds(range(r.params)), r.params, '/v1/refunds')],
  [
    'POST',
    /^\/v1\/subscriptions$/,
    (sim, r) =>
      sim.createSubscription(
        {
          customer: requiredStr(r.params, 'customer'),
          ...optional('default_payment_method', str(r.params, 'default_payment_method')),
          items: [{ price_data: priceData(sub(sub(r.params, 'items'), '0')) }],
          ...optional('description', str(r.params, 'description')),
          ...optional('metadata', metadata(r.params)),
        },
        r.idempotencyKey,
      ),
  ],
  ['GET', /^\/v1\/subscriptions\/([^/]+)$/, (sim, _r, id) => sim.retrieveSubscription(id)],
  [
    'POST',
    /^\/v1\/subscriptions\/([^/]+)$/,
    (sim, r, id) => {
      const item = sub(sub(r.params, 'items'), '0');
      return sim.updateSubscription(id, { items: [{ id: requiredStr(item, 'id'), price_data: priceData(item) }] }, r.idempotencyKey);
    },
  ],
  ['DELETE', /^\/v1\/subscriptions\/([^/]+)$/, (sim, r, id) => sim.cancelSubscription(id, r.idempotencyKey)],
  ['POST', /^\/v1\/setup_intents$/, (sim, r) => sim.createSetupIntent({ customer: requiredStr(r.params, 'customer') }, r.idempotencyKey)],
  ['GET', /^\/v1\/invoices$/, async (sim, r) => page(await sim.listInvoices(requiredStr(r.params, 'customer')), r.params, '/v1/invoices')],
];

/** Answers one request as Stripe would: the object, or Stripe's error body and status. */
export async function handleStripeRequest(sim: SimulatedStripe, req: StandInRequest): Promise<StandInResponse> {
  for (const [method, pattern, handler] of routes) {
    const match = method === req.method ? pattern.exec(req.path) : null;
    if (!match) continue;
    try {
      return { status: 200, body: await handler(sim, req, decodeURIComponent(match[1] ?? '')) };
    } catch (error) {
      if (error instanceof SimulatedStripeError) {
        const { type, stripeCode: code, declineCode: decline_code, message, param } = error;
        return { status: error.statusCode ?? 400, body: { error: { type, code, decline_code, message, param } } };
      }
      if (error instanceof FormError)
        return { status: 400, body: { error: { type: 'invalid_request_error', code: 'parameter_invalid', message: error.message, param: error.param } } };
      const cardError = (error as { cardError?: unknown }).cardError;
      if (cardError) return { status: 402, body: { error: cardError } };
      return { status: 500, body: { error: { type: 'api_error', message: error instanceof Error ? error.message : String(error) } } };
    }
  }
  return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.path}).` } } };
}
