/**
 * Recording a successful charge: the one function both the payment workflow and the
 * `payment_intent.succeeded` webhook call. Idempotent and order-independent: the ledger entry is
 * keyed by the payment intent, and a payment that already succeeded (or was refunded since) is
 * never rewritten. Everything happens in one transaction with its audit row.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import type { AuditActor } from '../audit/record.js';
import type { GatewayName } from './gateway/types.js';

/** The facts of a succeeded payment intent, as the gateway reported them. */
export interface SucceededCharge {
  paymentId: number;
  /** The charge attempt (from the intent's metadata), when known. */
  attempt: number | null;
  gateway: GatewayName;
  intentId: string;
  chargeId: string | null;
  paymentMethodId: string | null;
  amountCents: number;
  currency: string;
  /** The gateway's time of the intent: the ledger's occurred_at and the payment's paid_at. */
  created: Date;
}

export interface PaymentState {
  id: number;
  parent_id: number;
  student_id: number | null;
  lesson_id: number | null;
  amount_cents: number;
  currency: string;
  status: string;
  attempt_count: number;
  description: string | null;
  first_failed_at: Date | null;
  next_retry_at: Date | null;
  receipt_number: string | null;
  paid_at: Date | null;
}

const stateColumns = `id, parent_id, student_id, lesson_id, amount_cents, currency, status, attempt_count, description,
  first_failed_at, next_retry_at, receipt_number, paid_at`;

/** The payment row, locked for the rest of the transaction. */
export async function lockPayment(tx: SqlExecutor, paymentId: number): Promise<PaymentState | undefined> {
  const [row] = await tx.query<PaymentState>(`SELECT ${stateColumns} FROM payments WHERE id = $1 FOR UPDATE`, [paymentId]);
  return row;
}

export const settledStatuses: ReadonlySet<string> = new Set(['succeeded', 'refunded', 'partially_refunded']);

/** The receipt number of a payment: R-000123. */
export const receiptNumberOf = (paymentId: number): string => `R-${String(paymentId).padStart(6, '0')}`;

/**
 * Records the success: ledger entry (once per intent), payment → succeeded with its receipt
 * number, attempt → succeeded, the lesson → paid, the family's flag cleared when nothing else is
 * unpaid, and the audit row — one statement (the SQL function `payments_record_succeeded` of
 * migrations/0007_billing.sql, planned once per connection), so it is atomic and costs one round
 * trip. A payment already settled keeps its state (a refund recorded first keeps its status).
 * With `claim`, the webhook event is claimed in the same statement (see webhooks/receive.ts).
 * Returns the payment as it now stands (undefined: no such payment, or not claimed), whether this
 * call changed anything, and whether the event was claimed.
 */
export async function recordPaymentSucceeded(
  sql: SqlExecutor,
  charge: SucceededCharge,
  actor: AuditActor,
  claim?: EventClaim,
): Promise<{ payment: PaymentState | undefined; changed: boolean; claimed: boolean }> {
  const [row] = await sql.query<{ [K in keyof PaymentState]: PaymentState[K] | null } & { entered: number; updated: boolean; claimed: boolean }>(
    'SELECT * FROM payments_record_succeeded($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)',
    [
      charge.paymentId,
      charge.amountCents,
      charge.currency.toUpperCase(),
      charge.gateway,
      charge.intentId,
      charge.created,
      charge.attempt,
      charge.chargeId,
      charge.paymentMethodId,
      receiptNumberOf(charge.paymentId),
      actor.userId,
      actor.role,
      actor.requestId ?? null,
      claim?.eventId ?? null,
      claim?.type ?? null,
      claim?.objectId ?? null,
      claim?.created ?? null,
    ],
  );
  const { entered, updated, claimed, ...payment } = row!;
  return { payment: payment.id === null ? undefined : (payment as PaymentState), changed: updated || entered > 0, claimed };
}

/** A webhook event to mark processed in the same statement as its effects (see webhooks/receive.ts). */
export interface EventClaim {
  eventId: string;
  type: string;
  objectId: string | null;
  created: Date;
}
