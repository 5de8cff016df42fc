import { DateTime } from 'luxon';
import { invalid, missing } from './errors.js';
import { invoicePeriod } from './invoices.js';
import { newId, unix, type Metadata, type RawCustomer, type RawPrice, type RawSubscription } from './objects.js';
import type { SimTx } from './store.js';

/**
 * Stripe Billing over the simulated gateway's state: subscriptions with one item priced through
 * `price_data` (monthly, or every 4 months for a term), an invoice per period charged to the
 * default payment method, and the test clock that bills the periods that fall due.
 */

export interface PriceData {
  currency: string;
  product: string;
  unit_amount: number;
  recurring: { interval: 'month'; interval_count: number };
}

export interface SubscriptionParams {
  customer: string;
  default_payment_method?: string;
  items: [{ price_data: PriceData }];
  description?: string;
  metadata?: Metadata;
}

/** `anchor` plus `months` calendar months in UTC, clamped to the month's last day (as Stripe anchors). */
const periodBoundary = (anchor: Date, months: number): Date => DateTime.fromJSDate(anchor, { zone: 'utc' }).plus({ months }).toJSDate();

async function price(tx: SimTx, data: PriceData): Promise<RawPrice> {
  if (!(await tx.sql.query("SELECT 1 FROM sim_gateway_objects WHERE id = $1 AND object = 'product'", [data.product])).length) {
    throw missing('product', data.product, 'items[0][price_data][product]');
  }
  // A free period (0) is allowed, as Stripe allows it: its invoice is paid without a charge.
  if (!Number.isInteger(data.unit_amount) || data.unit_amount < 0 || (data.unit_amount > 0 && data.unit_amount < 50)) {
    throw invalid('Amount must be 0 or at least 50 cents', 'amount_too_small', 'items[0][price_data][unit_amount]');
  }
  if (![1, 4].includes(data.recurring.interval_count)) {
    throw invalid('interval_count must be 1 or 4', 'parameter_invalid_integer', 'items[0][price_data][recurring][interval_count]');
  }
  return { id: newId('price'), object: 'price', type: 'recurring', ...data, recurring: { ...data.recurring } };
}

/** The period starting at `start` ends at the next interval boundary after the billing cycle anchor. */
function startPeriod(sub: RawSubscription, start: Date): void {
  const item = sub.items.data[0]!;
  const anchor = new Date(sub.billing_cycle_anchor * 1000);
  let periods = 1;
  while (unix(periodBoundary(anchor, periods * item.price.recurring.interval_count)) <= unix(start)) periods += 1;
  item.current_period_start = unix(start);
  item.current_period_end = unix(periodBoundary(anchor, periods * item.price.recurring.interval_count));
}

export async function createSubscription(tx: SimTx, params: SubscriptionParams): Promise<RawSubscription> {
  const customer = await tx.get<RawCustomer>(params.customer, 'customer', 'customer');
  const pm = params.default_payment_method ?? customer.invoice_settings.default_payment_method;
  if (!pm) throw invalid('This customer has no attached payment source or default payment method.', 'resource_missing', 'default_payment_method');
  const itemPrice = await price(tx, params.items[0].price_data);
  const id = newId('sub');
  const sub: RawSubscription = {
    id,
    object: 'subscription',
    created: tx.nowUnix,
    livemode: false,
    customer: customer.id,
    status: 'incomplete',
    currency: itemPrice.currency,
    description: params.description ?? null,
    default_payment_method: params.default_payment_method ?? null,
    collection_method: 'charge_automatically',
    billing_cycle_anchor: tx.nowUnix,
    start_date: tx.nowUnix,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    latest_invoice: null,
    items: {
      object: 'list',
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
      data: [
        {
          id: newId('si'),
          object: 'subscription_item',
          created: tx.nowUnix,
          current_period_start: 0,
          current_period_end: 0,
          price: itemPrice,
          quantity: 1,
          subscription: id,
          metadata: {},
        },
      ],
    },
    metadata: params.metadata ?? {},
  };
  startPeriod(sub, tx.now);
  await tx.save(sub); // the invoice's payment refers to it
  if (await invoicePeriod(tx, sub, 'subscription_create')) sub.status = 'active';
  await tx.save(sub);
  await tx.emit('customer.subscription.created', sub);
  return sub;
}

/** A subscription that is not canceled, locked for update. */
async function live(tx: SimTx, id: string): Promise<RawSubscription> {
  const sub = await tx.get<RawSubscription>(id, 'subscription', 'subscription', true);
  if (sub.status === 'canceled') throw invalid(`No such subscription: '${id}' (it is canceled)`, 'resource_missing', 'id');
  return sub;
}

/** Changes the price (from the next period) or the interval (a new period starts now, invoiced at once). */
export async function updateSubscription(tx: SimTx, id: string, params: { items: [{ id: string; price_data: PriceData }] }): Promise<RawSubscription> {
  const sub = await live(tx, id);
  const item = sub.items.data[0]!;
  if (params.items[0].id !== item.id) throw missing('subscription item', params.items[0].id, 'items[0][id]');
  const next = await price(tx, params.items[0].price_data);
  const intervalChanged = next.recurring.interval_count !== item.price.recurring.interval_count;
  item.price = next;
  if (intervalChanged) {
    sub.billing_cycle_anchor = tx.nowUnix;
    startPeriod(sub, tx.now);
    sub.status = (await invoicePeriod(tx, sub, 'subscription_update')) ? 'active' : 'past_due';
  }
  await tx.save(sub);
  await tx.emit('customer.subscription.updated', sub);
  return sub;
}

/** Cancels at once (DELETE /v1/subscriptions/:id). */
export async function cancelSubscription(tx: SimTx, id: string): Promise<RawSubscription> {
  const sub = await live(tx, id);
  Object.assign(sub, { status: 'canceled', canceled_at: tx.nowUnix, ended_at: tx.nowUnix });
  await tx.save(sub);
  await tx.emit('customer.subscription.deleted', sub);
  return sub;
}

/** Bills every active or past-due subscription period that ended by the clock's time. */
export async function billDuePeriods(tx: SimTx): Promise<number> {
  const rows = await tx.sql.query<{ id: string }>(
    `SELECT id FROM sim_gateway_objects WHERE object = 'subscription' AND data->>'status' IN ('active', 'past_due')
       AND (data #>> '{items,data,0,current_period_end}')::bigint <= $1 ORDER BY seq`,
    [tx.nowUnix],
  );
  let invoices = 0;
  for (const { id } of rows) {
    // Several periods may have passed: each gets its invoice, in order.
    const sub = await tx.get<RawSubscription>(id, 'subscription', 'subscription', true);
    while (sub.items.data[0]!.current_period_end <= tx.nowUnix) {
      startPeriod(sub, new Date(sub.items.data[0]!.current_period_end * 1000));
      sub.status = (await invoicePeriod(tx, sub, 'subscription_cycle')) ? 'active' : 'past_due';
      invoices += 1;
      await tx.save(sub);
      await tx.emit('customer.subscription.updated', sub);
    }
  }
  return invoices;
}
