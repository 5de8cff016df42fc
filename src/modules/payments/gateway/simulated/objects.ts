import { randomBytes } from 'node:crypto';

/**
 * The Stripe API objects the simulated gateway keeps, in Stripe's JSON shape (snake_case, amounts
 * in cents, lower-case currency, Unix-second timestamps) for the SDK's API version. Only the
 * fields the school uses are present; they are what the local Stripe stand-in serves too.
 */

export type Metadata = Record<string, string>;

interface Base {
  id: string;
  created: number;
  livemode: false;
}

export interface RawCustomer extends Base {
  object: 'customer';
  email: string | null;
  name: string | null;
  metadata: Metadata;
  invoice_settings: { default_payment_method: string | null };
}

export interface RawPaymentMethod extends Base {
  object: 'payment_method';
  type: 'card';
  customer: string | null;
  card: { brand: string; last4: string; exp_month: number; exp_year: number; funding: string; country: string };
  metadata: Metadata;
}

/** Stripe's `last_payment_error` / error body for a card error. */
export interface RawCardError {
  type: 'card_error';
  code: string;
  decline_code?: string;
  message: string;
  charge?: string;
  payment_method?: RawPaymentMethod;
  doc_url?: string;
}

export interface RawPaymentIntent extends Base {
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  customer: string | null;
  description: string | null;
  payment_method: string | null;
  payment_method_types: string[];
  allowed_payment_method_types: string[];
  status: 'requires_payment_method' | 'succeeded' | 'canceled';
  latest_charge: string | RawCharge | null;
  last_payment_error: RawCardError | null;
  confirmation_method: 'automatic';
  capture_method: 'automatic';
  metadata: Metadata;
}

export interface RawCharge extends Base {
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  refunded: boolean;
  captured: boolean;
  paid: boolean;
  status: 'succeeded' | 'failed';
  currency: string;
  customer: string | null;
  payment_intent: string;
  payment_method: string;
  failure_code: string | null;
  failure_message: string | null;
  outcome: { type: string; network_status: string; reason: string | null; seller_message: string };
  metadata: Metadata;
}

export interface RawRefund extends Base {
  object: 'refund';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  reason: string | null;
  status: 'succeeded';
  metadata: Metadata;
}

export interface RawProduct extends Base {
  object: 'product';
  name: string;
  active: boolean;
  metadata: Metadata;
}

export interface RawPrice {
  id: string;
  object: 'price';
  currency: string;
  unit_amount: number;
  product: string;
  recurring: { interval: 'month'; interval_count: number };
  type: 'recurring';
}

export interface RawSubscriptionItem {
  id: string;
  object: 'subscription_item';
  created: number;
  current_period_start: number;
  current_period_end: number;
  price: RawPrice;
  quantity: number;
  subscription: string;
  metadata: Metadata;
}

export interface RawSubscription extends Base {
  object: 'subscription';
  customer: string;
  status: 'active' | 'past_due' | 'unpaid' | 'canceled' | 'incomplete' | 'trialing';
  currency: string;
  description: string | null;
  default_payment_method: string | null;
  collection_method: 'charge_automatically';
  billing_cycle_anchor: number;
  start_date: number;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  ended_at: number | null;
  latest_invoice: string | null;
  items: { object: 'list'; data: RawSubscriptionItem[]; has_more: false; url: string };
  metadata: Metadata;
}

export interface RawInvoice extends Base {
  object: 'invoice';
  customer: string;
  status: 'open' | 'paid';
  billing_reason: 'subscription_create' | 'subscription_cycle' | 'subscription_update';
  collection_method: 'charge_automatically';
  currency: string;
  description: string | null;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  attempt_count: number;
  attempted: boolean;
  period_start: number;
  period_end: number;
  parent: { type: 'subscription_details'; subscription_details: { subscription: string; metadata: Metadata } };
  lines: {
    object: 'list';
    has_more: false;
    data: Array<{ id: string; object: 'line_item'; amount: number; currency: string; description: string; period: { start: number; end: number } }>;
  };
  payments: { object: 'list'; has_more: false; data: Array<{ object: 'invoice_payment'; payment: { type: 'payment_intent'; payment_intent: string } }> };
  status_transitions: { finalized_at: number; paid_at: number | null };
  subtotal: number;
  total: number;
  metadata: Metadata;
}

/** A SetupIntent: the browser's card form confirms it with `client_secret` and gets a saved `pm_…`. */
export interface RawSetupIntent extends Base {
  object: 'setup_intent';
  customer: string;
  client_secret: string;
  status: 'requires_payment_method' | 'succeeded' | 'canceled';
  usage: 'off_session';
  payment_method_types: ['card'];
  payment_method: string | null;
}

export type RawObject = RawProduct | RawCustomer | RawPaymentMethod | RawPaymentIntent | RawCharge | RawRefund | RawSubscription | RawInvoice | RawSetupIntent;

/** A Stripe-looking id: `cus_` + 24 random letters and digits. */
export function newId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return `${prefix}_${out}`;
}

/** Unix seconds of a Date. */
export const unix = (date: Date): number => Math.floor(date.getTime() / 1000);
