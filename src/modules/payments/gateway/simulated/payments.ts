import { declineOfLast4 } from './cards.js';
import { resolvePaymentMethod } from './customers.js';
import { invalid } from './errors.js';
import { newId, type Metadata, type RawCharge, type RawCustomer, type RawPaymentIntent, type RawRefund } from './objects.js';
import type { SimTx } from './store.js';

/**
 * Stripe's payment-intent and refund operations over the simulated gateway's state, with
 * Stripe's parameters (snake_case, cents, lower-case currency) and errors. A decline is not an
 * error here: the intent comes back `requires_payment_method` with `last_payment_error`.
 */

export interface PaymentIntentParams {
  amount: number;
  currency: string;
  customer?: string;
  payment_method: string;
  description?: string;
  metadata?: Metadata;
}

function validateAmount(amount: number, currency: string): void {
  if (!Number.isInteger(amount) || amount < 0) throw invalid('Invalid integer: amount', 'parameter_invalid_integer', 'amount');
  if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}`, 'parameter_invalid_string', 'currency');
  if (amount < 50) throw invalid('Amount must be at least 50 cents', 'amount_too_small', 'amount');
}

/** Creates and confirms a payment intent off-session: charged at once, succeeded or declined. */
export async function createPaymentIntent(tx: SimTx, params: PaymentIntentParams): Promise<RawPaymentIntent> {
  validateAmount(params.amount, params.currency);
  if (params.customer !== undefined) await tx.get<RawCustomer>(params.customer, 'customer', 'customer', false);
  const pm = await resolvePaymentMethod(tx, params.payment_method);
  if (pm.customer !== null && pm.customer !== params.customer) {
    throw invalid(`The provided PaymentMethod ${pm.id} belongs to another customer.`, 'payment_method_unexpected_state', 'payment_method');
  }
  const intent: RawPaymentIntent = {
    id: newId('pi'),
    object: 'payment_intent',
    created: tx.nowUnix,
    livemode: false,
    amount: params.amount,
    amount_received: 0,
    currency: params.currency,
    customer: params.customer ?? null,
    description: params.description ?? null,
    payment_method: pm.id,
    payment_method_types: ['card'],
    allowed_payment_method_types: ['card'],
    status: 'requires_payment_method',
    latest_charge: null,
    last_payment_error: null,
    confirmation_method: 'automatic',
    capture_method: 'automatic',
    metadata: params.metadata ?? {},
  };
  const decline = declineOfLast4(pm.card.last4);
  const charge: RawCharge = {
    id: newId('ch'),
    object: 'charge',
    created: tx.nowUnix,
    livemode: false,
    amount: intent.amount,
    amount_captured: decline ? 0 : intent.amount,
    amount_refunded: 0,
    refunded: false,
    captured: !decline,
    paid: !decline,
    status: decline ? 'failed' : 'succeeded',
    currency: intent.currency,
    customer: intent.customer,
    payment_intent: intent.id,
    payment_method: pm.id,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    outcome: decline
      ? {
          type: 'issuer_declined',
          network_status: 'declined_by_network',
          reason: decline.declineCode,
          seller_message: 'The bank did not return any further details with this decline.',
        }
      : { type: 'authorized', network_status: 'approved_by_network', reason: null, seller_message: 'Payment complete.' },
    metadata: intent.metadata,
  };
  await tx.save(charge);
  intent.latest_charge = charge.id;
  if (decline) {
    intent.last_payment_error = {
      type: 'card_error',
      code: decline.code,
      ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
      message: decline.message,
      charge: charge.id,
      payment_method: pm,
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
    };
  } else {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
  }
  await tx.save(intent);
  await tx.emit(decline ? 'payment_intent.payment_failed' : 'payment_intent.succeeded', intent);
  return { ...intent, latest_charge: charge };
}

/** The intent with `latest_charge` expanded (its refunded total lives on the charge). */
export async function retrievePaymentIntent(tx: SimTx, id: string): Promise<RawPaymentIntent> {
  const intent = await tx.get<RawPaymentIntent>(id, 'payment_intent', 'payment_intent');
  const chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : null;
  const charge = chargeId ? await tx.find<RawCharge>(chargeId, 'charge') : undefined;
  return { ...intent, latest_charge: charge ?? intent.latest_charge };
}

/** Refunds all that is left (no amount) or part of a succeeded intent's charge. */
export async function createRefund(tx: SimTx, params: { payment_intent: string; amount?: number; reason?: string; metadata?: Metadata }): Promise<RawRefund> {
  const intent = await tx.get<RawPaymentIntent>(params.payment_intent, 'payment_intent', 'payment_intent', true);
  const chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : null;
  if (intent.status !== 'succeeded' || !chargeId) {
    throw invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'charge_not_refundable', 'payment_intent');
  }
  const charge = await tx.get<RawCharge>(chargeId, 'charge', 'charge', true);
  const left = charge.amount - charge.amount_refunded;
  if (left === 0) throw invalid(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded', 'charge');
  const amount = params.amount ?? left;
  if (!Number.isInteger(amount) || amount <= 0) throw invalid('Invalid positive integer', 'parameter_invalid_integer', 'amount');
  if (amount > left) {
    throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, 'amount_too_large', 'amount');
  }
  const refund: RawRefund = {
    id: newId('re'),
    object: 'refund',
    created: tx.nowUnix,
    livemode: false,
    amount,
    currency: charge.currency,
    charge: charge.id,
    payment_intent: intent.id,
    reason: params.reason ?? null,
    status: 'succeeded',
    metadata: params.metadata ?? {},
  };
  await tx.save(refund);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  await tx.save(charge);
  await tx.emit('charge.refunded', charge);
  return refund;
}
