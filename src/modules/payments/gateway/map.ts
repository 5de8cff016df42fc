import type {
  GatewayCustomer,
  GatewayInvoice,
  GatewayPaymentIntent,
  GatewayPaymentMethod,
  GatewayRefund,
  GatewaySetupIntent,
  GatewaySubscription,
  InvoiceStatus,
  PaymentIntentStatus,
  SubscriptionStatus,
} from './types.js';

/**
 * Stripe API objects → the gateway contract's types. The parameter types are the few fields
 * read, so both the Stripe SDK's objects and the simulated gateway's JSON fit them.
 */

type Ref = string | { id: string } | null;
type Meta = Record<string, string> | null;

const idOf = (ref: Ref | undefined): string | null => (ref === null || ref === undefined ? null : typeof ref === 'string' ? ref : ref.id);
const date = (unixSeconds: number): Date => new Date(unixSeconds * 1000);

export function toCustomer(c: { id: string; email?: string | null; name?: string | null; metadata?: Meta }): GatewayCustomer {
  return { id: c.id, email: c.email ?? '', name: c.name ?? '', metadata: { ...c.metadata } };
}

export function toPaymentMethod(pm: { id: string; customer: Ref; card?: { brand: string; last4: string; exp_month: number; exp_year: number } | null }): GatewayPaymentMethod {
  return {
    id: pm.id,
    customerId: idOf(pm.customer),
    brand: pm.card?.brand ?? 'unknown',
    last4: pm.card?.last4 ?? '',
    expMonth: pm.card?.exp_month ?? 0,
    expYear: pm.card?.exp_year ?? 0,
  };
}

const intentStatuses: readonly string[] = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'succeeded', 'canceled'];

export function toPaymentIntent(pi: {
  id: string;
  status: string;
  amount: number;
  currency: string;
  customer: Ref;
  payment_method: Ref;
  latest_charge: string | { id: string; status: string; amount_refunded: number } | null;
  last_payment_error: { code?: string; decline_code?: string; message?: string } | null;
  created: number;
  metadata: Meta;
}): GatewayPaymentIntent {
  const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : null;
  const error = pi.last_payment_error;
  return {
    id: pi.id,
    // requires_capture (manual capture) is not used by the school; it reads as processing.
    status: (intentStatuses.includes(pi.status) ? pi.status : 'processing') as PaymentIntentStatus,
    amountCents: pi.amount,
    currency: pi.currency.toUpperCase(),
    customerId: idOf(pi.customer),
    paymentMethodId: idOf(pi.payment_method),
    chargeId: pi.status === 'succeeded' ? idOf(pi.latest_charge) : null,
    failureCode: error ? (error.decline_code ?? error.code ?? 'card_declined') : null,
    failureMessage: error?.message ?? null,
    refundedCents: charge?.amount_refunded ?? 0,
    created: date(pi.created),
    metadata: { ...pi.metadata },
  };
}

export function toRefund(r: { id: string; amount: number; currency: string; charge: Ref; payment_intent: Ref; status: string | null; created: number }): GatewayRefund {
  const status = r.status === 'pending' || r.status === 'failed' || r.status === 'canceled' ? r.status : 'succeeded';
  return {
    id: r.id,
    paymentIntentId: idOf(r.payment_intent) ?? '',
    chargeId: idOf(r.charge),
    amountCents: r.amount,
    currency: r.currency.toUpperCase(),
    status: r.status === 'requires_action' ? 'pending' : status,
    created: date(r.created),
  };
}

export function toSubscription(s: {
  id: string;
  customer: Ref;
  status: string;
  currency: string;
  cancel_at_period_end: boolean;
  items: { data: Array<{ current_period_start: number; current_period_end: number; price: { unit_amount: number | null; recurring: { interval_count: number } | null } }> };
  metadata: Meta;
}): GatewaySubscription {
  const item = s.items.data[0];
  return {
    id: s.id,
    customerId: idOf(s.customer) ?? '',
    // incomplete_expired and paused read as canceled / unpaid: no money is being collected.
    status: (s.status === 'incomplete_expired' ? 'canceled' : s.status === 'paused' ? 'unpaid' : s.status) as SubscriptionStatus,
    amountCents: item?.price.unit_amount ?? 0,
    currency: s.currency.toUpperCase(),
    interval: item?.price.recurring?.interval_count === 4 ? 'term' : 'month',
    currentPeriodStart: date(item?.current_period_start ?? 0),
    currentPeriodEnd: date(item?.current_period_end ?? 0),
    cancelAtPeriodEnd: s.cancel_at_period_end,
    metadata: { ...s.metadata },
  };
}

export function toInvoice(i: {
  id: string | null | undefined;
  customer: Ref;
  status: string | null;
  amount_due: number;
  amount_paid: number;
  currency: string;
  period_start: number;
  period_end: number;
  created: number;
  parent: { subscription_details: { subscription: Ref } | null } | null;
  payments?: { data: Array<{ payment: { payment_intent?: Ref } }> };
}): GatewayInvoice {
  const payments = i.payments?.data ?? [];
  return {
    id: i.id ?? '',
    customerId: idOf(i.customer) ?? '',
    subscriptionId: idOf(i.parent?.subscription_details?.subscription ?? null),
    status: (i.status ?? 'draft') as InvoiceStatus,
    amountDueCents: i.amount_due,
    amountPaidCents: i.amount_paid,
    currency: i.currency.toUpperCase(),
    periodStart: date(i.period_start),
    periodEnd: date(i.period_end),
    paymentIntentId: idOf(payments[payments.length - 1]?.payment.payment_intent ?? null),
    created: date(i.created),
  };
}

/** The one product subscriptions are priced against (created lazily under this fixed id). */
export const LESSONS_PRODUCT = { id: 'cedar_music_lessons', name: 'Music lessons' } as const;

/** Stripe's `recurring` of a billing interval: monthly, or every 4 months for a term. */
export const recurringOf = (interval: 'month' | 'term') => ({ interval: 'month' as const, interval_count: interval === 'term' ? 4 : 1 });

/** Stripe accepts three refund reasons; any other text is kept in the refund's metadata. */
export function refundReason(reason: string | undefined): { reason?: string; metadata?: Record<string, string> } {
  if (reason === undefined) return {};
  return ['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason) ? { reason } : { metadata: { reason } };
}

export function toSetupIntent(si: { id: string; client_secret: string | null; customer: Ref; status: string }): GatewaySetupIntent {
  if (!si.client_secret) throw new Error(`setup intent ${si.id} came back without a client secret`);
  return { id: si.id, clientSecret: si.client_secret, customerId: idOf(si.customer), status: si.status };
}
