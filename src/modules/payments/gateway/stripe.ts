import Stripe from 'stripe';
import * as map from './map.js';
import { collect, ensureProduct, stripeClientOptions, translate } from './stripe-support.js';
import {
  GatewayRequestError,
  WebhookSignatureError,
  type BillingInterval,
  type CallOptions,
  type GatewayCustomer,
  type GatewayEvent,
  type GatewayInvoice,
  type GatewayPaymentIntent,
  type GatewayPaymentMethod,
  type GatewayRefund,
  type GatewaySetupIntent,
  type GatewaySubscription,
  type PaymentGateway,
} from './types.js';
import { verifyWebhookPayload } from './webhook-signature.js';

export interface StripeGatewayOptions {
  /** STRIPE_SECRET_KEY */
  secretKey: string;
  /** STRIPE_WEBHOOK_SECRET; without it every webhook is refused. */
  webhookSecret?: string;
  /** STRIPE_API_URL, e.g. http://127.0.0.1:12111 for a local stand-in. Default https://api.stripe.com. */
  apiUrl?: string;
  /** Per-request timeout in milliseconds. Default 20000. */
  timeoutMs?: number;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * The payment gateway on Stripe, through the official SDK (API version: the SDK's default).
 * Every mutating request carries the caller's idempotency key (suffixed when one call makes
 * several requests), so a retried workflow node never charges twice.
 */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;
  private readonly webhookSecret: string | undefined;

  constructor(options: StripeGatewayOptions) {
    this.stripe = new Stripe(options.secretKey, stripeClientOptions(options));
    this.webhookSecret = options.webhookSecret;
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw translate(error);
    }
  }

  createCustomer(input: { email: string; name: string; metadata?: Record<string, string> }, options: CallOptions): Promise<GatewayCustomer> {
    return this.call(async () => map.toCustomer(await this.stripe.customers.create({ email: input.email, name: input.name, metadata: input.metadata ?? {} }, options)));
  }

  attachPaymentMethod(input: { customerId: string; paymentMethod: string; makeDefault?: boolean }, options: CallOptions): Promise<GatewayPaymentMethod> {
    const key = options.idempotencyKey;
    return this.call(async () => {
      let id = input.paymentMethod;
      if (id.startsWith('tok_')) {
        id = (await this.stripe.paymentMethods.create({ type: 'card', card: { token: id } }, { idempotencyKey: `${key}:create` })).id;
      }
      const pm = await this.stripe.paymentMethods.attach(id, { customer: input.customerId }, { idempotencyKey: `${key}:attach` });
      if (input.makeDefault) {
        await this.stripe.customers.update(input.customerId, { invoice_settings: { default_payment_method: pm.id } }, { idempotencyKey: `${key}:default` });
      }
      return map.toPaymentMethod(pm);
    });
  }

  listPaymentMethods(customerId: string): Promise<GatewayPaymentMethod[]> {
    return this.call(async () => {
      const all = await collect(this.stripe.customers.listPaymentMethods(customerId, { type: 'card', limit: 100 }));
      return all.reverse().map(map.toPaymentMethod);
    });
  }

  detachPaymentMethod(paymentMethodId: string, options: CallOptions): Promise<GatewayPaymentMethod> {
    return this.call(async () => {
      const pm = await this.stripe.paymentMethods.retrieve(paymentMethodId);
      if (!pm.customer) return map.toPaymentMethod(pm);
      return map.toPaymentMethod(await this.stripe.paymentMethods.detach(paymentMethodId, {}, options));
    });
  }

  redactCustomer(customerId: string, input: { name: string; email: string }, options: CallOptions): Promise<GatewayCustomer> {
    return this.call(async () => map.toCustomer(await this.stripe.customers.update(customerId, { name: input.name, email: input.email, metadata: { erased: 'true' } }, options)));
  }

  createSetupIntent(input: { customerId: string }, options: CallOptions): Promise<GatewaySetupIntent> {
    return this.call(async () =>
      map.toSetupIntent(await this.stripe.setupIntents.create({ customer: input.customerId, usage: 'off_session', allowed_payment_method_types: ['card'] }, options)),
    );
  }

  confirmPayment(
    input: { customerId: string; paymentMethodId: string; amountCents: number; currency: string; description?: string; metadata?: Record<string, string> },
    options: CallOptions,
  ): Promise<GatewayPaymentIntent> {
    const params: Stripe.PaymentIntentCreateParams = {
      amount: input.amountCents,
      currency: input.currency.toLowerCase(),
      customer: input.customerId,
      payment_method: input.paymentMethodId,
      allowed_payment_method_types: ['card'],
      confirm: true,
      off_session: true,
      metadata: input.metadata ?? {},
      expand: ['latest_charge'],
      ...(input.description === undefined ? {} : { description: input.description }),
    };
    return this.call(async () => {
      try {
        return map.toPaymentIntent(await this.stripe.paymentIntents.create(params, options));
      } catch (error) {
        // A decline is an answer, not a failure: Stripe sends the intent inside the card error.
        if (error instanceof Stripe.errors.StripeCardError && error.payment_intent) return map.toPaymentIntent(error.payment_intent);
        throw error;
      }
    });
  }

  retrievePayment(paymentIntentId: string): Promise<GatewayPaymentIntent> {
    return this.call(async () => map.toPaymentIntent(await this.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] })));
  }

  listPayments(range: { from: Date; to: Date }): Promise<GatewayPaymentIntent[]> {
    return this.call(async () => {
      const created = { gte: seconds(range.from), lt: seconds(range.to) };
      const all = await collect(this.stripe.paymentIntents.list({ created, limit: 100, expand: ['data.latest_charge'] }));
      return all.reverse().map(map.toPaymentIntent);
    });
  }

  refund(input: { paymentIntentId: string; amountCents?: number; reason?: string }, options: CallOptions): Promise<GatewayRefund> {
    const why = map.refundReason(input.reason);
    const params: Stripe.RefundCreateParams = {
      payment_intent: input.paymentIntentId,
      ...(input.amountCents === undefined ? {} : { amount: input.amountCents }),
      ...(why.reason ? { reason: why.reason as Stripe.RefundCreateParams.Reason } : {}),
      ...(why.metadata ? { metadata: why.metadata } : {}),
    };
    return this.call(async () => map.toRefund(await this.stripe.refunds.create(params, options)));
  }

  listRefunds(range: { from: Date; to: Date }): Promise<GatewayRefund[]> {
    return this.call(async () => {
      const all = await collect(this.stripe.refunds.list({ created: { gte: seconds(range.from), lt: seconds(range.to) }, limit: 100 }));
      return all.reverse().map(map.toRefund);
    });
  }

  createSubscription(
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
    return this.call(async () => {
      await ensureProduct(this.stripe);
      const sub = await this.stripe.subscriptions.create(
        {
          customer: input.customerId,
          ...(input.paymentMethodId === undefined ? {} : { default_payment_method: input.paymentMethodId }),
          items: [
            { price_data: { currency: input.currency.toLowerCase(), product: map.LESSONS_PRODUCT.id, unit_amount: input.amountCents, recurring: map.recurringOf(input.interval) } },
          ],
          description: input.description,
          metadata: input.metadata ?? {},
          payment_behavior: 'allow_incomplete',
          off_session: true,
        },
        options,
      );
      return map.toSubscription(sub);
    });
  }

  updateSubscription(subscriptionId: string, input: { amountCents?: number; interval?: BillingInterval }, options: CallOptions): Promise<GatewaySubscription> {
    return this.call(async () => {
      const current = await this.stripe.subscriptions.retrieve(subscriptionId);
      const item = current.items.data[0];
      if (!item) throw new GatewayRequestError(`Subscription ${subscriptionId} has no item`, 'resource_missing', 404);
      const product = typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
      const recurring = input.interval ? map.recurringOf(input.interval) : { interval: 'month' as const, interval_count: item.price.recurring?.interval_count ?? 1 };
      const priceData = { currency: item.price.currency, product, unit_amount: input.amountCents ?? item.price.unit_amount ?? 0, recurring };
      const sub = await this.stripe.subscriptions.update(subscriptionId, { items: [{ id: item.id, price_data: priceData }], proration_behavior: 'none' }, options);
      return map.toSubscription(sub);
    });
  }

  cancelSubscription(subscriptionId: string, options: CallOptions): Promise<GatewaySubscription> {
    return this.call(async () => map.toSubscription(await this.stripe.subscriptions.cancel(subscriptionId, {}, options)));
  }

  retrieveSubscription(subscriptionId: string): Promise<GatewaySubscription> {
    return this.call(async () => map.toSubscription(await this.stripe.subscriptions.retrieve(subscriptionId)));
  }

  listInvoices(customerId: string): Promise<GatewayInvoice[]> {
    return this.call(async () => {
      const all = await collect(this.stripe.invoices.list({ customer: customerId, limit: 100 }));
      return all.reverse().map(map.toInvoice);
    });
  }

  verifyWebhook(rawBody: string | Buffer, signatureHeader: string | undefined): GatewayEvent {
    if (!this.webhookSecret) throw new WebhookSignatureError('STRIPE_WEBHOOK_SECRET is not set: webhooks cannot be verified');
    return verifyWebhookPayload(rawBody, signatureHeader, this.webhookSecret);
  }
}
