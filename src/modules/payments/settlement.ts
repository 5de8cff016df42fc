/**
 * Settling a failed payment (a *debt*) with another payment of the same family, so that one debt
 * is never charged twice (the states are described in migrations/0015_payment_settlement.sql).
 *
 * The settling payment claims the debt in the transaction that creates it, with a conditional
 * UPDATE that mirrors the retry's own claim (`prepare` in workflows/charge-nodes.ts): the debt must
 * still be failed and unclaimed, while a retry claims it only while no settlement has. The row lock
 * orders the two, so exactly one wins: a retry already charging makes the settlement a 409, and a
 * settlement makes every later retry stop without charging. A settling card payment that succeeds
 * settles the debt (payments_record_succeeded); one that fails gives it back (`releaseDebt`).
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { type AppError, conflict, validationFailed } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { formatCents, nextRetryAt } from './rules.js';

interface DebtRow {
  id: number;
  parent_id: number;
  lesson_id: number | null;
  amount_cents: number;
  currency: string;
  status: string;
  settled_by_payment_id: number | null;
  settles_payment_id: number | null;
}

const debtColumns = 'id, parent_id, lesson_id, amount_cents, currency, status, settled_by_payment_id, settles_payment_id';

/** Why `debt` cannot be settled (nor retried) now; null when it can. */
export function unsettleableReason(debt: Pick<DebtRow, 'id' | 'status' | 'settled_by_payment_id' | 'settles_payment_id'>): AppError | null {
  if (debt.settles_payment_id !== null) {
    return conflict(`Payment ${debt.id} was an attempt to settle payment ${debt.settles_payment_id}, which still carries the debt`);
  }
  switch (debt.status) {
    case 'failed':
      return debt.settled_by_payment_id === null ? null : conflict(`Payment ${debt.id} is already being settled by payment ${debt.settled_by_payment_id}`);
    case 'cancelled':
      return conflict(debt.settled_by_payment_id === null ? `Payment ${debt.id} was cancelled` : `Payment ${debt.id} was already settled by payment ${debt.settled_by_payment_id}`);
    case 'pending':
    case 'processing':
      return conflict(`A charge of payment ${debt.id} is in progress; try again once it has finished`);
    default:
      return conflict(`Payment ${debt.id} is already paid (${debt.status})`);
  }
}

/**
 * Which debt a new payment of `parentId` settles: `settlesPaymentId` when given (this family's,
 * and covered by `amountCents`), else the unsettled failed payment of the same lesson, if any.
 * Throws 400 naming the field, or 409 when the debt cannot be settled now (a charge of it is in
 * progress, it is paid, or another payment is settling it). `claimDebt` checks again, atomically.
 */
export async function debtToSettle(
  sql: SqlExecutor,
  input: { parentId: number; amountCents: number; settlesPaymentId?: number | undefined; lessonId?: number | undefined },
): Promise<number | undefined> {
  let debt: DebtRow | undefined;
  let field = 'body.settlesPaymentId';
  if (input.settlesPaymentId !== undefined) {
    [debt] = await sql.query<DebtRow>(`SELECT ${debtColumns} FROM payments WHERE id = $1`, [input.settlesPaymentId]);
    if (debt?.parent_id !== input.parentId) throw validationFailed([{ field, message: 'is not a payment of this family' }]);
  } else if (input.lessonId !== undefined) {
    field = 'body.lessonId';
    // The lesson's open debt: an unsettled failed payment, or a charge still in progress.
    [debt] = await sql.query<DebtRow>(
      `SELECT ${debtColumns} FROM payments
       WHERE lesson_id = $1 AND parent_id = $2 AND settles_payment_id IS NULL AND status IN ('pending', 'processing', 'failed')
       ORDER BY (status = 'failed' AND settled_by_payment_id IS NULL), id LIMIT 1`,
      [input.lessonId, input.parentId],
    );
    if (!debt) return undefined;
  } else {
    return undefined;
  }
  const refused = unsettleableReason(debt!);
  if (refused) throw refused;
  if (input.amountCents < debt!.amount_cents) {
    const message = `must cover failed payment ${debt!.id} (${formatCents(debt!.amount_cents, debt!.currency.trim())}) that it settles`;
    throw validationFailed([{ field: 'body.amountCents', message }, ...(field === 'body.lessonId' ? [{ field, message: `has failed payment ${debt!.id}` }] : [])]);
  }
  return debt!.id;
}

/**
 * Claims debt `debtId` for payment `payerId` (same transaction as the payer's INSERT): the debt's
 * retries stop at once. With `settleNow` (money already received: an offline payment) the debt is
 * settled in the same statement, its lesson marked paid and the family's flag cleared when
 * nothing else is unpaid. Throws 409 when a retry or another settlement got there first.
 */
export async function claimDebt(tx: SqlExecutor, debtId: number, payerId: number, actor: AuditActor, options: { settleNow: boolean }): Promise<void> {
  const [claimed] = await tx.query<{ parent_id: number; lesson_id: number | null }>(
    `UPDATE payments SET settled_by_payment_id = $2, next_retry_at = NULL,
       status = CASE WHEN $3::boolean THEN 'cancelled' ELSE status END,
       retries_cancelled_at = CASE WHEN $3::boolean THEN COALESCE(retries_cancelled_at, now()) ELSE retries_cancelled_at END
     WHERE id = $1 AND status = 'failed' AND settled_by_payment_id IS NULL AND settles_payment_id IS NULL
     RETURNING parent_id, lesson_id`,
    [debtId, payerId, options.settleNow],
  );
  if (!claimed) {
    const [now] = await tx.query<DebtRow>(`SELECT ${debtColumns} FROM payments WHERE id = $1`, [debtId]);
    throw (now && unsettleableReason(now)) ?? conflict(`Payment ${debtId} changed meanwhile; try again`);
  }
  if (options.settleNow) {
    if (claimed.lesson_id !== null) await tx.query(`UPDATE lessons SET payment_status = 'paid' WHERE id = $1 AND payment_status <> 'paid'`, [claimed.lesson_id]);
    await clearFlagWhenPaid(tx, claimed.parent_id);
  }
  await recordAudit(tx, actor, {
    action: options.settleNow ? 'payment.settled' : 'payment.settlement_started',
    entity: 'payment',
    entityId: debtId,
    before: { status: 'failed' },
    after: { status: options.settleNow ? 'cancelled' : 'failed', settledByPaymentId: payerId },
  });
}

/** Clears the family's open flag when none of its payments is still owed. */
export async function clearFlagWhenPaid(tx: SqlExecutor, parentId: number): Promise<void> {
  await tx.query(
    `UPDATE family_flags SET cleared_at = now() WHERE parent_id = $1 AND cleared_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM payments WHERE parent_id = $1 AND status = 'failed' AND settles_payment_id IS NULL)`,
    [parentId],
  );
}

/**
 * Payment `payerId`, meant to settle a debt, failed: the debt is released and goes back to its
 * own dunning schedule (a planned time already past falls due at the cron's next firing), unless
 * its retries were cancelled. Call inside the transaction that records the failure.
 */
export async function releaseDebt(tx: SqlExecutor, payerId: number, actor: AuditActor): Promise<void> {
  const [debt] = await tx.query<{ id: number; first_failed_at: Date | null; attempt_count: number; failure_code: string | null; retries_cancelled_at: Date | null }>(
    `SELECT id, first_failed_at, attempt_count, failure_code, retries_cancelled_at FROM payments
     WHERE settled_by_payment_id = $1 AND status = 'failed' FOR UPDATE`,
    [payerId],
  );
  if (!debt) return;
  const planned = debt.retries_cancelled_at || !debt.first_failed_at ? null : nextRetryAt(debt.first_failed_at, debt.attempt_count, debt.failure_code);
  await tx.query('UPDATE payments SET settled_by_payment_id = NULL, next_retry_at = $2 WHERE id = $1', [debt.id, planned]);
  await recordAudit(tx, actor, {
    action: 'payment.settlement_failed',
    entity: 'payment',
    entityId: debt.id,
    before: { settledByPaymentId: payerId },
    after: { settledByPaymentId: null, nextRetryAt: planned },
  });
}
