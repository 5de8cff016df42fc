import { declineOfLast4, testCard, type TestCard } from './cards.js';
import { SimulatedStripeError, invalid, missing } from './errors.js';
import { newId, type Metadata, type RawCustomer, type RawPaymentMethod, type RawProduct, type RawSetupIntent } from './objects.js';
import type { SimTx } from './store.js';

/** Stripe's product, customer and payment-method operations over the simulated gateway's state. */

export interface CustomerParams {
  email?: string;
  name?: string;
  metadata?: Metadata;
  invoice_settings?: { default_payment_method?: string };
}

export async function createCustomer(tx: SimTx, params: CustomerParams): Promise<RawCustomer> {
  const customer: RawCustomer = {
    id: newId('cus'),
    object: 'customer',
    created: tx.nowUnix,
    livemode: false,
    email: params.email ?? null,
    name: params.name ?? null,
    metadata: params.metadata ?? {},
    invoice_settings: { default_payment_method: null },
  };
  await tx.save(customer);
  return customer;
}

export async function updateCustomer(tx: SimTx, id: string, params: CustomerParams): Promise<RawCustomer> {
  const customer = await tx.get<RawCustomer>(id, 'customer', 'customer', true);
  const pmId = params.invoice_settings?.default_payment_method;
  if (pmId !== undefined) {
    const pm = await tx.get<RawPaymentMethod>(pmId, 'payment_method', 'PaymentMethod');
    if (pm.customer !== id) throw invalid(`The customer does not have a payment method with the ID ${pmId}.`, 'resource_missing', 'invoice_settings[default_payment_method]');
    customer.invoice_settings.default_payment_method = pmId;
  }
  if (params.email !== undefined) customer.email = params.email;
  if (params.name !== undefined) customer.name = params.name;
  customer.metadata = { ...customer.metadata, ...params.metadata };
  await tx.save(customer);
  return customer;
}

function cardPaymentMethod(tx: SimTx, card: TestCard, customer: string | null): RawPaymentMethod {
  const expires = new Date(tx.now);
  return {
    id: newId('pm'),
    object: 'payment_method',
    created: tx.nowUnix,
    livemode: false,
    type: 'card',
    customer,
    card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: expires.getUTCFullYear() + 3, funding: card.funding, country: 'US' },
    metadata: {},
  };
}

/** A stored payment method, or a fresh detached one for a test reference (`pm_card_visa`, `tok_visa`). */
export async function resolvePaymentMethod(tx: SimTx, reference: string, param = 'payment_method'): Promise<RawPaymentMethod> {
  const card = testCard(reference);
  if (card) {
    const pm = cardPaymentMethod(tx, card, null);
    await tx.save(pm);
    return pm;
  }
  const pm = await tx.find<RawPaymentMethod>(reference, 'payment_method');
  if (!pm) throw missing('PaymentMethod', reference, param);
  return pm;
}

/** POST /v1/payment_methods with `card[token]`. */
export async function createPaymentMethod(tx: SimTx, params: { type: 'card'; card: { token: string } }): Promise<RawPaymentMethod> {
  if (!testCard(params.card.token)) throw missing('token', params.card.token, 'card[token]');
  return resolvePaymentMethod(tx, params.card.token, 'card[token]');
}

/** Attaches a payment method (or a new one made from a test reference) to a customer. */
export async function attachPaymentMethod(tx: SimTx, reference: string, params: { customer: string }): Promise<RawPaymentMethod> {
  await tx.get<RawCustomer>(params.customer, 'customer', 'customer');
  const pm = await resolvePaymentMethod(tx, reference);
  if (pm.customer !== null && pm.customer !== params.customer) {
    throw invalid('The payment method you provided has already been attached to a customer.', 'payment_method_unexpected_state', 'payment_method');
  }
  const decline = declineOfLast4(pm.card.last4);
  if (decline && pm.card.last4 !== '0341') {
    // Stripe checks the card when it is attached: the declining test cards (but 0341) fail here.
    throw new SimulatedStripeError(decline.message, 'card_error', decline.code, 402, decline.declineCode ?? undefined);
  }
  pm.customer = params.customer;
  await tx.save(pm);
  return pm;
}

/** POST /v1/payment_methods/{id}/detach: the method leaves its customer (and stops being its default). */
export async function detachPaymentMethod(tx: SimTx, id: string): Promise<RawPaymentMethod> {
  const pm = await tx.get<RawPaymentMethod>(id, 'payment_method', 'PaymentMethod', true);
  if (pm.customer === null) return pm;
  const customer = await tx.find<RawCustomer>(pm.customer, 'customer');
  if (customer && customer.invoice_settings.default_payment_method === id) {
    customer.invoice_settings.default_payment_method = null;
    await tx.save(customer);
  }
  pm.customer = null;
  await tx.save(pm);
  return pm;
}

/** POST /v1/products (an explicit `id` may be given; a taken id is refused, as by Stripe). */
export async function createProduct(tx: SimTx, params: { id?: string; name: string; metadata?: Metadata }): Promise<RawProduct> {
  const id = params.id ?? newId('prod');
  if (await tx.find<RawProduct>(id, 'product')) {
    throw invalid(`Product already exists.`, 'resource_already_exists', 'id');
  }
  const product: RawProduct = { id, object: 'product', created: tx.nowUnix, livemode: false, name: params.name, active: true, metadata: params.metadata ?? {} };
  await tx.save(product);
  return product;
}

/** A SetupIntent for an existing customer's card form (off-session use: lessons are charged later). */
export async function createSetupIntent(tx: SimTx, params: { customer: string }): Promise<RawSetupIntent> {
  await tx.get<RawCustomer>(params.customer, 'customer', 'customer');
  const id = newId('seti');
  const intent: RawSetupIntent = {
    id,
    object: 'setup_intent',
    created: tx.nowUnix,
    livemode: false,
    customer: params.customer,
    client_secret: `${id}_secret_${newId('s').slice(2)}`,
    status: 'requires_payment_method',
    usage: 'off_session',
    payment_method_types: ['card'],
    payment_method: null,
  };
  await tx.save(intent);
  return intent;
}
