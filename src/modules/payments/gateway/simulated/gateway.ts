import * as map from '../map.js';
import type {
  BillingInterval,
  CallOptions,
  GatewayCustomer,
  GatewayEvent,
  GatewayInvoice,
  GatewayPaymentIntent,
  GatewayPaymentMethod,
  GatewayRefund,
  GatewaySetupIntent,
  GatewaySubscription,
  PaymentGateway,
} from '../types.js';
import { processWebhookSecret, verifyWebhookPayload } from '../webhook-signature.js';
import { SimulatedStripe } from './core.js';
import { WebhookDispatcher, type StoredEvent, type WebhookDelivery } from './delivery.js';
import { SimulatedStripeError } from './errors.js';
import type { SimulatedSql } from './store.js';

export interface SimulatedGatewayOptions {
  /** Signs (and verifies) webhook events; default: a random secret of this process. */
  webhookSecret?: string;
}

/**
 * The default payment gateway: behaves like Stripe's test mode (test cards `pm_card_visa`,
 * `pm_card_chargeDeclined…`, Stripe's ids, errors, idempotency and webhook events), with its
 * state in the database (tables `sim_gateway_*`), so it survives restarts and is shared by
 * every process using the database. Events go to the callback of `setWebhookDelivery`.
 */
export class SimulatedGateway implements PaymentGateway {
  readonly name = 'simulated' as const;
  /** Stripe's API in its own terms (raw JSON objects), as the local Stripe stand-in serves it. */
  readonly stripe: SimulatedStripe;
  /** The `whsec_…` secret events are signed with. */
  readonly webhookSecret: string;
  private readonly dispatcher: WebhookDispatcher;

  constructor(sql: SimulatedSql, options: SimulatedGatewayOptions = {}) {
    this.webhookSecret = options.webhookSecret ?? processWebhookSecret;
    this.dispatcher = new WebhookDispatcher(sql, this.webhookSecret);
    this.stripe = new SimulatedStripe(sql, this.dispatcher);
  }

  /** Where events are delivered (signed, after the call that made them returned); null stops delivery. */
  setWebhookDelivery(fn: WebhookDelivery | null): void {
    this.dispatcher.setDelivery(fn);
  }

  /** Retries every event whose delivery failed or had no callback; resolves to the number delivered. */
  redeliverPending(): Promise<number> {
    return this.dispatcher.redeliverPending();
  }

  /** Resolves when every queued delivery has been attempted (for tests). */
  deliveriesIdle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /** Stored events in creation order, with their delivery state. */
  events(filter: { pending?: boolean; type?: string } = {}): Promise<StoredEvent[]> {
    return this.dispatcher.list(filter);
  }

  /**
   * Like a Stripe test clock: moves the gateway's time to `to` and bills every subscription
   * period due by then (invoice paid, or payment_failed and the subscription past_due).
   * Returns the number of invoices made.
   */
  advanceClock(to: Date): Promise<number> {
    return this.stripe.advanceClock(to);
  }

  /** The gateway's current time (real time, moved forward by `advanceClock`). */
  now(): Promise<Date> {
    return this.stripe.store.now();
  }

  async createCustomer(input: { email: string; name: string; metadata?: Record<string, string> }, options: CallOptions): Promise<GatewayCustomer> {
    const params = { email: input.email, name: input.name, metadata: input.metadata ?? {} };
    return map.toCustomer(await this.stripe.createCustomer(params, options.idempotencyKey));
  }

  async attachPaymentMethod(input: { customerId: string; paymentMethod: string; makeDefault?: boolean }, options: CallOptions): Promise<GatewayPaymentMethod> {
    const key = options.idempotencyKey;
    const pm = await this.stripe.attachPaymentMethod(input.paymentMethod, { customer: input.customerId }, `${key}:attach`);
    if (input.makeDefault) {
      await this.stripe.updateCustomer(input.customerId, { invoice_settings: { default_payment_method: pm.id } }, `${key}:default`);
    }
    return map.toPaymentMethod(pm);
  }

  async listPaymentMethods(customerId: string): Promise<GatewayPaymentMethod[]> {
    return (await this.stripe.listPaymentMethods(customerId)).map(map.toPaymentMethod);
  }

  async detachPaymentMethod(paymentMethodId: string, options: CallOptions): Promise<GatewayPaymentMethod> {
    return map.toPaymentMethod(await this.stripe.detachPaymentMethod(paymentMethodId, options.idempotencyKey));
  }

  async redactCustomer(customerId: string, input: { name: string; email: string }, options: CallOptions): Promise<GatewayCustomer> {
    return map.toCustomer(await this.stripe.updateCustomer(customerId, { name: input.name, email: input.email, metadata: { erased: 'true' } }, options.idempotencyKey));
  }

  async createSetupIntent(input: { customerId: string }, options: CallOptions): Promise<GatewaySetupIntent> {
    return map.toSetupIntent(await this.stripe.createSetupIntent({ customer: input.customerId }, options.idempotencyKey));
  }

  async confirmPayment(
    input: { customerId: string; paymentMethodId: string; amountCents: number; currency: string; description?: string; metadata?: Record<string, string> },
    options: CallOptions,
  ): Promise<GatewayPaymentIntent> {
    const intent = await this.stripe.createPaymentIntent(
      {
        amount: input.amountCents,
        currency: input.currency.toLowerCase(),
        customer: input.customerId,
        payment_method: input.paymentMethodId,
        ...(input.description === undefined ? {} : { description: input.description }),
        metadata: input.metadata ?? {},
      },
      options.idempotencyKey,
    );
    return map.toPaymentIntent(intent);
  }

  async retrievePayment(paymentIntentId: string): Promise<GatewayPaymentIntent> {
    return map.toPaymentIntent(await this.stripe.retrievePaymentIntent(paymentIntentId));
  }

  async listPayments(range: { from: Date; to: Date }): Promise<GatewayPaymentIntent[]> {
    return (await this.stripe.listPaymentIntents(range)).map(map.toPaymentIntent);
  }

  async refund(input: { paymentIntentId: string; amountCents?: number; reason?: string }, options: CallOptions): Promise<GatewayRefund> {
    const params = {
      payment_intent: input.paymentIntentId,
      ...(input.amountCents === undefined ? {} : { amount: input.amountCents }),
      ...map.refundReason(input.reason),
    };
    return map.toRefund(await this.stripe.createRefund(params, options.idempotencyKey));
  }

  async listRefunds(range: { from: Date; to: Date }): Promise<GatewayRefund[]> {
    return (await this.stripe.listRefunds(range)).map(map.toRefund);
  }

  async createSubscription(
    input: {
      customerId: string;
      paymentMethodId?: string;
      amountCents: number;
      currency: string;
      interval: BillingInterval;
      description: string;
      metadata?: Record<string, string>;
    },
    options: CallOptions,
  ): Promise<GatewaySubscription> {
    await this.ensureProduct();
    const priceData = { currency: input.currency.toLowerCase(), product: map.LESSONS_PRODUCT.id, unit_amount: input.amountCents, recurring: map.recurringOf(input.interval) };
    const sub = await this.stripe.createSubscription(
      {
        customer: input.customerId,
        ...(input.paymentMethodId === undefined ? {} : { default_payment_method: input.paymentMethodId }),
        items: [{ price_data: priceData }],
        description: input.description,
        metadata: input.metadata ?? {},
      },
      options.idempotencyKey,
    );
    return map.toSubscription(sub);
  }

  async updateSubscription(subscriptionId: string, input: { amountCents?: number; interval?: BillingInterval }, options: CallOptions): Promise<GatewaySubscription> {
    const current = await this.stripe.retrieveSubscription(subscriptionId);
    const item = current.items.data[0]!;
    const priceData = {
      currency: item.price.currency,
      product: item.price.product,
      unit_amount: input.amountCents ?? item.price.unit_amount,
      recurring: input.interval ? map.recurringOf(input.interval) : item.price.recurring,
    };
    const sub = await this.stripe.updateSubscription(subscriptionId, { items: [{ id: item.id, price_data: priceData }] }, options.idempotencyKey);
    return map.toSubscription(sub);
  }

  async cancelSubscription(subscriptionId: string, options: CallOptions): Promise<GatewaySubscription> {
    return map.toSubscription(await this.stripe.cancelSubscription(subscriptionId, options.idempotencyKey));
  }

  async retrieveSubscription(subscriptionId: string): Promise<GatewaySubscription> {
    return map.toSubscription(await this.stripe.retrieveSubscription(subscriptionId));
  }

  async listInvoices(customerId: string): Promise<GatewayInvoice[]> {
    return (await this.stripe.listInvoices(customerId)).map(map.toInvoice);
  }

  verifyWebhook(rawBody: string | Buffer, signatureHeader: string | undefined): GatewayEvent {
    return verifyWebhookPayload(rawBody, signatureHeader, this.webhookSecret);
  }

  private async ensureProduct(): Promise<void> {
    try {
      await this.stripe.retrieveProduct(map.LESSONS_PRODUCT.id);
    } catch (error) {
      if (!(error instanceof SimulatedStripeError) || error.stripeCode !== 'resource_missing') throw error;
      await this.stripe.createProduct({ ...map.LESSONS_PRODUCT }, null).catch((e: unknown) => {
        if (!(e instanceof SimulatedStripeError) || e.stripeCode !== 'resource_already_exists') throw e;
      });
    }
  }
}
