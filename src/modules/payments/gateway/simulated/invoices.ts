import { createPaymentIntent } from './payments.js';
import { newId, type RawCustomer, type RawInvoice, type RawPaymentIntent, type RawSubscription } from './objects.js';
import type { SimTx } from './store.js';

/**
 * A subscription's invoice for its current period, charged at once to the subscription's (or
 * else the customer's) default payment method: `invoice.paid`, or `invoice.payment_failed` and
 * the invoice stays open. Sets the subscription's `latest_invoice`; returns whether it was paid.
 */
export async function invoicePeriod(tx: SimTx, sub: RawSubscription, reason: RawInvoice['billing_reason']): Promise<boolean> {
  const item = sub.items.data[0]!;
  const amount = item.price.unit_amount;
  const customer = await tx.get<RawCustomer>(sub.customer, 'customer', 'customer');
  const pm = sub.default_payment_method ?? customer.invoice_settings.default_payment_method;
  const invoice: RawInvoice = {
    id: newId('in'),
    object: 'invoice',
    created: tx.nowUnix,
    livemode: false,
    customer: sub.customer,
    status: 'open',
    billing_reason: reason,
    collection_method: 'charge_automatically',
    currency: sub.currency,
    description: sub.description,
    amount_due: amount,
    amount_paid: 0,
    amount_remaining: amount,
    attempt_count: 0,
    attempted: false,
    period_start: item.current_period_start,
    period_end: item.current_period_end,
    parent: { type: 'subscription_details', subscription_details: { subscription: sub.id, metadata: sub.metadata } },
    lines: {
      object: 'list',
      has_more: false,
      data: [
        {
          id: newId('il'),
          object: 'line_item',
          amount,
          currency: sub.currency,
          description: sub.description ?? 'Subscription',
          period: { start: item.current_period_start, end: item.current_period_end },
        },
      ],
    },
    payments: { object: 'list', has_more: false, data: [] },
    status_transitions: { finalized_at: tx.nowUnix, paid_at: null },
    subtotal: amount,
    total: amount,
    metadata: {},
  };
  let intent: RawPaymentIntent | null = null;
  if (pm && amount > 0) {
    const description = `Subscription ${{ subscription_create: 'creation', subscription_update: 'update', subscription_cycle: 'cycle' }[reason]}`;
    intent = await createPaymentIntent(tx, { amount, currency: sub.currency, customer: sub.customer, payment_method: pm, description, metadata: {} });
    invoice.attempt_count = 1;
    invoice.attempted = true;
    invoice.payments.data.push({ object: 'invoice_payment', payment: { type: 'payment_intent', payment_intent: intent.id } });
  }
  const paid = amount === 0 || intent?.status === 'succeeded';
  if (paid) {
    Object.assign(invoice, { status: 'paid', amount_paid: amount, amount_remaining: 0 });
    invoice.status_transitions.paid_at = tx.nowUnix;
  }
  await tx.save(invoice);
  await tx.emit(paid ? 'invoice.paid' : 'invoice.payment_failed', invoice);
  sub.latest_invoice = invoice.id;
  return paid;
}
