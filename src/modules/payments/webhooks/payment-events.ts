/**
 * Webhook handlers for payment intents and refunds. They call the same recording functions as
 * the payment workflow and the refund route, so any delivery order, and any number of
 * deliveries, ends in the same state; a settled payment never goes back to failed.
 */
import type { SchoolServices } from '../../services.js';
import type { GatewayEvent } from '../gateway/types.js';
import { countsAsRefunded, recordRefund } from '../record-refund.js';
import { recordPaymentFailed } from '../record-failure.js';
import { recordPaymentSucceeded, type EventClaim, type SucceededCharge } from '../record-success.js';
import { webhookActor } from '../rules.js';
import { list, metaId, num, obj, ref, str, unixDate, type Json } from './fields.js';

type Deps = Pick<SchoolServices, 'db' | 'gateway'>;

/** The school's payment behind an intent: its metadata, else the attempt or payment that recorded it. */
async function paymentOfIntent(deps: Deps, intent: Json | null, intentId: string): Promise<{ paymentId: number; attempt: number | null } | null> {
  const paymentId = metaId(intent, 'paymentId');
  if (paymentId !== null) return { paymentId, attempt: metaId(intent, 'attempt') };
  const [row] = await deps.db.sql.query<{ payment_id: number; attempt: number | null }>(
    `SELECT payment_id, attempt FROM payment_attempts WHERE gateway_payment_intent_id = $1
     UNION ALL SELECT id, NULL FROM payments WHERE gateway_payment_intent_id = $1 LIMIT 1`,
    [intentId],
  );
  return row ? { paymentId: row.payment_id, attempt: row.attempt } : null;
}

/** The intent as the gateway has it, reduced to its metadata (for `metaId`). */
async function intentMetadata(deps: Deps, intentId: string): Promise<Json> {
  return { metadata: (await deps.gateway.retrievePayment(intentId)).metadata };
}

/** The success facts of a `payment_intent.succeeded` event for the school's payment. */
function succeededCharge(deps: Deps, event: GatewayEvent, intentId: string, payment: { paymentId: number; attempt: number | null }): SucceededCharge {
  const intent = event.data.object;
  return {
    paymentId: payment.paymentId,
    attempt: payment.attempt,
    gateway: deps.gateway.name,
    intentId,
    chargeId: ref(intent, 'latest_charge'),
    paymentMethodId: ref(intent, 'payment_method'),
    amountCents: num(intent, 'amount_received') || num(intent, 'amount') || 0,
    currency: (str(intent, 'currency') ?? 'cad').toUpperCase(),
    created: unixDate(num(intent, 'created')) ?? new Date(event.created * 1000),
  };
}

const describeSuccess = (paymentId: number, result: { payment: unknown; changed: boolean }): string =>
  !result.payment ? `ignored: payment ${paymentId} does not exist` : result.changed ? `payment ${paymentId} recorded as succeeded` : `payment ${paymentId} already recorded`;

/**
 * The hot path of webhooks: an intent whose metadata names the school's payment is recorded and
 * its event claimed in one statement. Null when the event does not name a payment (then the
 * general path looks the intent up).
 */
export async function claimPaymentIntentSucceeded(deps: Deps, event: GatewayEvent, claim: EventClaim): Promise<{ claimed: boolean; outcome: string } | null> {
  const intentId = str(event.data.object, 'id');
  const paymentId = metaId(event.data.object, 'paymentId');
  if (!intentId || paymentId === null) return null;
  const payment = { paymentId, attempt: metaId(event.data.object, 'attempt') };
  const result = await recordPaymentSucceeded(deps.db.sql, succeededCharge(deps, event, intentId, payment), webhookActor(event.id), claim);
  return { claimed: result.claimed, outcome: describeSuccess(paymentId, result) };
}

export async function onPaymentIntentSucceeded(deps: Deps, event: GatewayEvent): Promise<string> {
  const intentId = str(event.data.object, 'id');
  if (!intentId) return 'ignored: no intent id';
  const payment = await paymentOfIntent(deps, event.data.object, intentId);
  if (!payment) return 'ignored: not a payment of the school (an invoice payment is recorded by invoice.paid)';
  const result = await recordPaymentSucceeded(deps.db.sql, succeededCharge(deps, event, intentId, payment), webhookActor(event.id));
  return describeSuccess(payment.paymentId, result);
}

export async function onPaymentIntentFailed(deps: Deps, event: GatewayEvent): Promise<string> {
  const intent = event.data.object;
  const intentId = str(intent, 'id');
  if (!intentId) return 'ignored: no intent id';
  const payment = await paymentOfIntent(deps, intent, intentId);
  if (!payment || payment.attempt === null) return 'ignored: not a charge attempt of the school';
  const error = obj(intent.last_payment_error);
  const outcome = await recordPaymentFailed(
    deps.db.sql,
    {
      paymentId: payment.paymentId,
      attempt: payment.attempt,
      intentId,
      failureCode: str(error, 'decline_code') ?? str(error, 'code') ?? 'card_declined',
      failureMessage: str(error, 'message'),
      failedAt: unixDate(num(intent, 'created')) ?? new Date(event.created * 1000),
    },
    webhookActor(event.id),
  );
  if (!outcome) return `ignored: payment ${payment.paymentId} does not exist`;
  if (outcome.superseded) return `payment ${payment.paymentId} is settled or has a newer attempt: kept`;
  return outcome.changed ? `payment ${payment.paymentId} recorded as failed` : `payment ${payment.paymentId} failure already recorded`;
}

/**
 * charge.refunded: records every refund of the charge's intent the ledger lacks (refunds made in
 * the gateway's dashboard too). The refunds come from the event when it lists them, else from
 * the gateway.
 */
export async function onChargeRefunded(deps: Deps, event: GatewayEvent): Promise<string> {
  const charge = event.data.object;
  const intentId = ref(charge, 'payment_intent');
  if (!intentId) return 'ignored: no payment intent';
  // A refund can arrive before the success was recorded: then the intent's metadata names the payment.
  const payment = (await paymentOfIntent(deps, charge, intentId)) ?? (await paymentOfIntent(deps, await intentMetadata(deps, intentId), intentId));
  if (!payment) return 'ignored: not a payment of the school';
  const listed = list(charge, 'refunds');
  const refunds =
    listed.length > 0
      ? listed.map((r) => ({
          id: str(r, 'id') ?? '',
          paymentIntentId: intentId,
          chargeId: str(charge, 'id'),
          amountCents: num(r, 'amount') ?? 0,
          currency: str(r, 'currency') ?? 'cad',
          status: (str(r, 'status') ?? 'succeeded') as 'succeeded',
          created: unixDate(num(r, 'created')) ?? new Date(event.created * 1000),
        }))
      : (
          await deps.gateway.listRefunds({
            from: new Date(((num(charge, 'created') ?? event.created) - 1) * 1000),
            to: new Date(Math.max(Date.now(), event.created * 1000) + 86_400_000),
          })
        ).filter((r) => r.paymentIntentId === intentId);
  let recorded = 0;
  for (const refund of refunds.filter((r) => r.id !== '' && countsAsRefunded(r))) {
    const outcome = await recordRefund(deps.db.sql, { paymentId: payment.paymentId, gateway: deps.gateway.name, refund }, webhookActor(event.id));
    if (outcome?.recorded) recorded += 1;
  }
  return `payment ${payment.paymentId}: ${recorded} refund(s) recorded, ${refunds.length - recorded} already known`;
}
