/**
 * The payment gateway contract: what the school needs from a card processor, in Stripe's terms.
 * Two implementations: `StripeGateway` (the official SDK, when STRIPE_SECRET_KEY is set) and
 * `SimulatedGateway` (the default: Stripe test-mode behaviour, state in the database).
 *
 * Money is integer cents with an ISO currency (upper case, `CAD` by default). Instants are Dates.
 * Every mutating call takes an idempotency key (derive it from the workflow run and node:
 * `ctx.idempotencyKey`): the same key twice performs the call once and returns the same result.
 * A card decline is NOT an exception: `confirmPayment` returns the intent with its failure code.
 * Exceptions mean the gateway could not answer (network, 5xx: retryable) or refused the request
 * (`GatewayRequestError`, permanent).
 */

import type { BillingInterval, GatewayName, InvoiceStatus, SubscriptionStatus } from '../values.js';

export type { BillingInterval, GatewayName, InvoiceStatus, SubscriptionStatus };

/** Options of a mutating call. */
export interface CallOptions {
  /** Same key → same effect and same answer, on retry and on resume. */
  idempotencyKey: string;
}

export interface GatewayCustomer {
  id: string;
  email: string;
  name: string;
  /** Free-form string metadata (e.g. `{ parentId: '12' }`). */
  metadata: Record<string, string>;
}

export interface GatewayPaymentMethod {
  id: string;
  customerId: string | null;
  /** visa, mastercard, amex … */
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** A SetupIntent the browser's card form (Stripe Elements) confirms to save a card for later charges. */
export interface GatewaySetupIntent {
  id: string;
  /** Handed to the browser only (Stripe.js `confirmCardSetup`); never logged or stored. */
  clientSecret: string;
  customerId: string | null;
  /** Stripe's status: `requires_payment_method` until the browser confirms it. */
  status: string;
}

/** Stripe's PaymentIntent statuses the school sees. */
export type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';

export interface GatewayPaymentIntent {
  id: string;
  status: PaymentIntentStatus;
  amountCents: number;
  currency: string;
  customerId: string | null;
  paymentMethodId: string | null;
  /** Id of the successful charge (`ch_…`), when there is one. */
  chargeId: string | null;
  /** Stripe's decline code when there is one (`insufficient_funds`), else its error code (`card_declined`). */
  failureCode: string | null;
  failureMessage: string | null;
  /** Cents refunded so far on the charge. */
  refundedCents: number;
  created: Date;
  metadata: Record<string, string>;
}

export interface GatewayRefund {
  id: string;
  paymentIntentId: string;
  chargeId: string | null;
  amountCents: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  created: Date;
}

export interface GatewaySubscription {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  amountCents: number;
  currency: string;
  interval: BillingInterval;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  metadata: Record<string, string>;
}

/** A subscription invoice (one per billing period). */
export interface GatewayInvoice {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  status: InvoiceStatus;
  amountDueCents: number;
  amountPaidCents: number;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  /** The payment intent that paid (or tried to pay) it. */
  paymentIntentId: string | null;
  created: Date;
}

/** A webhook event as Stripe sends it (`data.object` is the API object, snake_case). */
export interface GatewayEvent {
  id: string;
  type: string;
  /** Unix seconds. */
  created: number;
  data: { object: Record<string, unknown> };
}

/** The gateway refused the request itself (bad parameters, unknown object): do not retry. */
export class GatewayRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'GatewayRequestError';
  }
}

/** A webhook whose signature is missing, malformed, stale or wrong. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

export interface PaymentGateway {
  readonly name: GatewayName;

  createCustomer(input: { email: string; name: string; metadata?: Record<string, string> }, options: CallOptions): Promise<GatewayCustomer>;

  /**
   * Attaches a payment method to a customer. `paymentMethod` is a payment method id or a test
   * token (`pm_card_visa`, `pm_card_chargeDeclined` …, `tok_visa`): Stripe then creates a new
   * `pm_…` that behaves like the test card. `makeDefault` sets it as the invoice default.
   */
  attachPaymentMethod(input: { customerId: string; paymentMethod: string; makeDefault?: boolean }, options: CallOptions): Promise<GatewayPaymentMethod>;

  listPaymentMethods(customerId: string): Promise<GatewayPaymentMethod[]>;

  /** Detaches a saved payment method from its customer (it can no longer be charged). Detaching a detached one is a no-op. */
  detachPaymentMethod(paymentMethodId: string, options: CallOptions): Promise<GatewayPaymentMethod>;

  /** Replaces the customer's name and e-mail (privacy erasure: the gateway keeps no personal data of an erased family). */
  redactCustomer(customerId: string, input: { name: string; email: string }, options: CallOptions): Promise<GatewayCustomer>;

  /** A SetupIntent (usage off_session, card) for the customer's card form. */
  createSetupIntent(input: { customerId: string }, options: CallOptions): Promise<GatewaySetupIntent>;

  /** Creates and confirms (off-session) a payment intent. A decline returns status `requires_payment_method` with `failureCode`. */
  confirmPayment(
    input: {
      customerId: string;
      paymentMethodId: string;
      amountCents: number;
      currency: string;
      description?: string;
      metadata?: Record<string, string>;
    },
    options: CallOptions,
  ): Promise<GatewayPaymentIntent>;

  retrievePayment(paymentIntentId: string): Promise<GatewayPaymentIntent>;

  /** Payment intents created in [from, to). */
  listPayments(range: { from: Date; to: Date }): Promise<GatewayPaymentIntent[]>;

  /** Refunds all (amountCents omitted) or part of a succeeded payment. */
  refund(input: { paymentIntentId: string; amountCents?: number; reason?: string }, options: CallOptions): Promise<GatewayRefund>;

  /** Refunds created in [from, to). */
  listRefunds(range: { from: Date; to: Date }): Promise<GatewayRefund[]>;

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
  ): Promise<GatewaySubscription>;

  updateSubscription(subscriptionId: string, input: { amountCents?: number; interval?: BillingInterval }, options: CallOptions): Promise<GatewaySubscription>;

  /** Cancels at once (status `canceled`, event `customer.subscription.deleted`). */
  cancelSubscription(subscriptionId: string, options: CallOptions): Promise<GatewaySubscription>;

  retrieveSubscription(subscriptionId: string): Promise<GatewaySubscription>;

  /** The customer's subscription invoices, oldest first. */
  listInvoices(customerId: string): Promise<GatewayInvoice[]>;

  /**
   * Verifies a webhook delivery (`Stripe-Signature` header, tolerance 300 s) and parses it.
   * Throws WebhookSignatureError when it is missing or wrong.
   */
  verifyWebhook(rawBody: string | Buffer, signatureHeader: string | undefined): GatewayEvent;
}
