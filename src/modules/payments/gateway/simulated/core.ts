import * as billing from './billing.js';
import * as customers from './customers.js';
import type { WebhookDispatcher } from './delivery.js';
import type { RawCharge, RawCustomer, RawInvoice, RawPaymentIntent, RawPaymentMethod, RawProduct, RawRefund, RawSetupIntent, RawSubscription } from './objects.js';
import * as payments from './payments.js';
import { SimStore, SimTx, type SimulatedSql } from './store.js';

type Range = { from: Date; to: Date };

/**
 * Stripe's API over the simulated gateway's state, in Stripe's own terms: the same parameters
 * and JSON objects as the REST API (the local Stripe stand-in serves these as HTTP). Mutations
 * take the request's idempotency key (null: none) and queue their webhook events for delivery.
 */
export class SimulatedStripe {
  readonly store: SimStore;

  constructor(
    sql: SimulatedSql,
    private readonly dispatcher: WebhookDispatcher,
  ) {
    this.store = new SimStore(sql);
  }

  private async mutate<T>(operation: string, key: string | null, params: unknown, work: (tx: SimTx) => Promise<T>): Promise<T> {
    const result = await this.store.mutate(operation, key, params, work);
    this.dispatcher.schedule(result.eventIds);
    return result.value;
  }

  private async read<T>(work: (tx: SimTx) => Promise<T>): Promise<T> {
    return work(new SimTx(this.store.sql, await this.store.now(), null));
  }

  createProduct(params: { id?: string; name: string }, key: string | null): Promise<RawProduct> {
    return this.mutate('products.create', key, params, (tx) => customers.createProduct(tx, params));
  }

  retrieveProduct(id: string): Promise<RawProduct> {
    return this.read((tx) => tx.get<RawProduct>(id, 'product', 'product'));
  }

  createCustomer(params: customers.CustomerParams, key: string | null): Promise<RawCustomer> {
    return this.mutate('customers.create', key, params, (tx) => customers.createCustomer(tx, params));
  }

  updateCustomer(id: string, params: customers.CustomerParams, key: string | null): Promise<RawCustomer> {
    return this.mutate('customers.update', key, { id, ...params }, (tx) => customers.updateCustomer(tx, id, params));
  }

  retrieveCustomer(id: string): Promise<RawCustomer> {
    return this.read((tx) => tx.get<RawCustomer>(id, 'customer', 'customer'));
  }

  createPaymentMethod(params: { type: 'card'; card: { token: string } }, key: string | null): Promise<RawPaymentMethod> {
    return this.mutate('payment_methods.create', key, params, (tx) => customers.createPaymentMethod(tx, params));
  }

  attachPaymentMethod(reference: string, params: { customer: string }, key: string | null): Promise<RawPaymentMethod> {
    return this.mutate('payment_methods.attach', key, { reference, ...params }, (tx) => customers.attachPaymentMethod(tx, reference, params));
  }

  detachPaymentMethod(id: string, key: string | null): Promise<RawPaymentMethod> {
    return this.mutate('payment_methods.detach', key, { id }, (tx) => customers.detachPaymentMethod(tx, id));
  }

  retrievePaymentMethod(id: string): Promise<RawPaymentMethod> {
    return this.read((tx) => tx.get<RawPaymentMethod>(id, 'payment_method', 'PaymentMethod'));
  }

  listPaymentMethods(customerId: string): Promise<RawPaymentMethod[]> {
    return this.read(async (tx) => {
      await tx.get<RawCustomer>(customerId, 'customer', 'customer');
      return this.store.listByCustomer<RawPaymentMethod>('payment_method', customerId);
    });
  }

  createSetupIntent(params: { customer: string }, key: string | null): Promise<RawSetupIntent> {
    return this.mutate('setup_intents.create', key, params, (tx) => customers.createSetupIntent(tx, params));
  }

  /** Creates and confirms off-session; a decline comes back as the intent with `last_payment_error`. */
  createPaymentIntent(params: payments.PaymentIntentParams, key: string | null): Promise<RawPaymentIntent> {
    return this.mutate('payment_intents.create', key, params, (tx) => payments.createPaymentIntent(tx, params));
  }

  /** With `latest_charge` expanded. */
  retrievePaymentIntent(id: string): Promise<RawPaymentIntent> {
    return this.read((tx) => payments.retrievePaymentIntent(tx, id));
  }

  /** Created in [from, to), oldest first, with `latest_charge` expanded. */
  async listPaymentIntents(range: Range): Promise<RawPaymentIntent[]> {
    const intents = await this.store.list<RawPaymentIntent>('payment_intent', range);
    const chargeIds = intents.map((pi) => pi.latest_charge).filter((id): id is string => typeof id === 'string');
    const rows = await this.store.sql.query<{ data: RawCharge }>("SELECT data FROM sim_gateway_objects WHERE object = 'charge' AND id = ANY($1::text[])", [chargeIds]);
    const charges = new Map(rows.map((r) => [r.data.id, r.data]));
    return intents.map((pi) => ({ ...pi, latest_charge: (typeof pi.latest_charge === 'string' && charges.get(pi.latest_charge)) || pi.latest_charge }));
  }

  createRefund(params: { payment_intent: string; amount?: number; reason?: string; metadata?: Record<string, string> }, key: string | null): Promise<RawRefund> {
    return this.mutate('refunds.create', key, params, (tx) => payments.createRefund(tx, params));
  }

  listRefunds(range: Range): Promise<RawRefund[]> {
    return this.store.list<RawRefund>('refund', range);
  }

  createSubscription(params: billing.SubscriptionParams, key: string | null): Promise<RawSubscription> {
    return this.mutate('subscriptions.create', key, params, (tx) => billing.createSubscription(tx, params));
  }

  updateSubscription(id: string, params: { items: [{ id: string; price_data: billing.PriceData }] }, key: string | null): Promise<RawSubscription> {
    return this.mutate('subscriptions.update', key, { id, ...params }, (tx) => billing.updateSubscription(tx, id, params));
  }

  cancelSubscription(id: string, key: string | null): Promise<RawSubscription> {
    return this.mutate('subscriptions.cancel', key, { id }, (tx) => billing.cancelSubscription(tx, id));
  }

  retrieveSubscription(id: string): Promise<RawSubscription> {
    return this.read((tx) => tx.get<RawSubscription>(id, 'subscription', 'subscription'));
  }

  listInvoices(customerId: string): Promise<RawInvoice[]> {
    return this.store.listByCustomer<RawInvoice>('invoice', customerId);
  }

  /** Moves the test clock to `to` and bills every subscription period that fell due; returns the invoice count. */
  advanceClock(to: Date): Promise<number> {
    return this.mutate('test_clock.advance', null, { to: to.toISOString() }, async (tx) => {
      await this.store.setClock(tx.sql, to);
      tx.now = await this.store.now(tx.sql);
      return billing.billDuePeriods(tx);
    });
  }
}
