/**
 * Recording a failed charge attempt: called by the payment workflow and by the
 * `payment_intent.payment_failed` webhook with the same facts, so whichever comes first writes and
 * the other finds the same state. Never moves a settled payment back, and ignores an attempt older
 * than the payment's latest. Plans the next dunning retry, or flags the family after the last.
 * No retry is planned when the payment's retries were cancelled, nor for a failed attempt to settle
 * another payment: that one gets its debt back and its own schedule (settlement.ts).
 */
import type { SqlClient } from '../../db/sql-client.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { lockPayment, settledStatuses, type PaymentState } from './record-success.js';
import { isRetryableFailure, nextRetryAt } from './rules.js';
import { releaseDebt } from './settlement.js';

export interface FailedCharge {
  paymentId: number;
  /** 1-based charge attempt of the payment. */
  attempt: number;
  intentId: string | null;
  failureCode: string;
  failureMessage: string | null;
  /** The gateway's time of the failed attempt (the first one anchors the dunning schedule). */
  failedAt: Date;
}

export interface FailureOutcome {
  payment: PaymentState;
  /** Whether this call changed the payment. */
  changed: boolean;
  /** The payment is settled, or a newer attempt exists: the failure changed nothing. */
  superseded: boolean;
  nextRetryAt: Date | null;
  /** No retry will follow: the family was flagged. */
  exhausted: boolean;
  /** No retry will follow because retries were cancelled, or the payment was an attempt to settle another one. */
  retriesEnded: boolean;
}

export async function recordPaymentFailed(sql: SqlClient, failure: FailedCharge, actor: AuditActor): Promise<FailureOutcome | undefined> {
  return sql.transaction(async (tx) => {
    const before = await lockPayment(tx, failure.paymentId);
    if (!before) return undefined;
    await tx.query(
      `UPDATE payment_attempts SET status = 'failed', failure_code = $3, failure_message = $4,
         gateway_payment_intent_id = COALESCE(gateway_payment_intent_id, $5)
       WHERE payment_id = $1 AND attempt = $2 AND status = 'processing'`,
      [failure.paymentId, failure.attempt, failure.failureCode, failure.failureMessage, failure.intentId],
    );
    if (settledStatuses.has(before.status) || before.status === 'cancelled' || before.attempt_count > failure.attempt) {
      return { payment: before, changed: false, superseded: true, nextRetryAt: before.next_retry_at, exhausted: false, retriesEnded: false };
    }
    const [plan] = await tx.query<{ settles_payment_id: number | null; retries_cancelled_at: Date | null }>(
      'SELECT settles_payment_id, retries_cancelled_at FROM payments WHERE id = $1',
      [before.id],
    );
    const settles = plan?.settles_payment_id ?? null;
    const retriesEnded = settles !== null || (plan?.retries_cancelled_at ?? null) !== null;
    const firstFailedAt = before.first_failed_at ?? failure.failedAt;
    const next = retriesEnded ? null : nextRetryAt(firstFailedAt, failure.attempt, failure.failureCode);
    const exhausted = next === null && !retriesEnded;
    if (before.status === 'failed' && before.attempt_count === failure.attempt) {
      // This attempt's failure is already recorded (by the webhook or an earlier try of the node).
      return { payment: before, changed: false, superseded: false, nextRetryAt: before.next_retry_at, exhausted: before.next_retry_at === null && !retriesEnded, retriesEnded };
    }
    const [after] = await tx.query<PaymentState>(
      `UPDATE payments SET status = 'failed', attempt_count = $2, failure_code = $3, failure_reason = $4,
         first_failed_at = $5, next_retry_at = $6, dunning_exhausted_at = CASE WHEN $7::boolean THEN now() END,
         retries_cancelled_at = CASE WHEN $8::boolean THEN COALESCE(retries_cancelled_at, now()) ELSE retries_cancelled_at END
       WHERE id = $1
       RETURNING id, parent_id, student_id, lesson_id, amount_cents, currency, status, attempt_count, description,
         first_failed_at, next_retry_at, receipt_number, paid_at`,
      [before.id, failure.attempt, failure.failureCode, failure.failureMessage, firstFailedAt, next, exhausted, settles !== null],
    );
    if (settles !== null) await releaseDebt(tx, before.id, actor);
    if (before.lesson_id !== null) {
      await tx.query(`UPDATE lessons SET payment_status = 'failed' WHERE id = $1 AND payment_status = 'pending'`, [before.lesson_id]);
    }
    if (exhausted) {
      const reason = isRetryableFailure(failure.failureCode)
        ? `Payment ${before.id} failed ${failure.attempt} times (${failure.failureCode}); retries exhausted`
        : `Payment ${before.id} failed (${failure.failureCode}); a retry cannot succeed`;
      await tx.query(
        `INSERT INTO family_flags (parent_id, payment_id, reason) VALUES ($1, $2, $3)
         ON CONFLICT (parent_id) WHERE cleared_at IS NULL DO NOTHING`,
        [before.parent_id, before.id, reason],
      );
    }
    await recordAudit(tx, actor, { action: 'payment.failed', entity: 'payment', entityId: before.id, before, after });
    return { payment: after!, changed: true, superseded: false, nextRetryAt: next, exhausted, retriesEnded };
  });
}
