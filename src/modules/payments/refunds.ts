/**
 * POST /api/v1/payments/{id}/refund (admin): a full refund (no amount: all that is left) or a
 * partial one, with an optional reason kept in the audit log, made at the gateway with an idempotency key and recorded in the ledger.
 * The key is derived from the payment's refunded total and the amount (or the request's
 * Idempotency-Key), so a retried request refunds once while a second partial refund is new.
 */
import { AppError, conflict, notFound, validationFailed } from '../../http/errors.js';
import type { SchoolServices } from '../services.js';
import type { AuditActor } from '../audit/record.js';
import { GatewayRequestError, type GatewayRefund } from './gateway/types.js';
import { recordRefund } from './record-refund.js';
import { formatCents } from './rules.js';

type Deps = Pick<SchoolServices, 'db' | 'gateway'>;

export interface RefundResult {
  paymentId: number;
  refundId: string;
  amountCents: number;
  refundedCents: number;
  status: 'succeeded' | 'refunded' | 'partially_refunded';
}

export async function refundPayment(
  deps: Deps,
  actor: AuditActor,
  paymentId: number,
  input: { amountCents?: number | undefined; reason?: string | undefined; idempotencyKey?: string | undefined },
): Promise<RefundResult> {
  const [p] = await deps.db.sql.query<{
    amount_cents: number;
    refunded_cents: number;
    status: string;
    currency: string;
    gateway: string | null;
    gateway_payment_intent_id: string | null;
  }>('SELECT amount_cents, refunded_cents, status, currency, gateway, gateway_payment_intent_id FROM payments WHERE id = $1', [paymentId]);
  if (!p) throw notFound('Payment');
  if (p.status !== 'succeeded' && p.status !== 'partially_refunded') throw conflict(`Only a succeeded payment can be refunded; this one is ${p.status}`);
  if (!p.gateway_payment_intent_id || p.gateway !== deps.gateway.name) {
    throw conflict(`This payment was not made through the ${deps.gateway.name} gateway; refund it outside the system`);
  }
  const left = p.amount_cents - p.refunded_cents;
  const amount = input.amountCents ?? left;
  if (amount > left) {
    throw validationFailed([{ field: 'body.amountCents', message: `exceeds what is left to refund (${formatCents(left, p.currency.trim())})` }]);
  }
  const idempotencyKey = input.idempotencyKey ? `refund:${paymentId}:${input.idempotencyKey}` : `refund:${paymentId}:${p.refunded_cents}:${amount}`;
  let refund: GatewayRefund;
  try {
    refund = await deps.gateway.refund({ paymentIntentId: p.gateway_payment_intent_id, amountCents: amount, reason: 'requested_by_customer' }, { idempotencyKey });
  } catch (error) {
    if (error instanceof GatewayRequestError) throw conflict(`The gateway refused the refund: ${error.message}`, { gatewayCode: error.code });
    throw new AppError('unavailable', 'The payment gateway did not answer; try again (the same request will not refund twice)');
  }
  const outcome = await recordRefund(deps.db.sql, { paymentId, gateway: deps.gateway.name, refund, reason: input.reason }, actor);
  if (!outcome) throw notFound('Payment');
  return {
    paymentId,
    refundId: refund.id,
    amountCents: refund.amountCents,
    refundedCents: outcome.refundedCents,
    status: outcome.status as RefundResult['status'],
  };
}
