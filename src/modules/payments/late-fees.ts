/**
 * The late-fee policy (setting `lateFee`, off by default): a debt still owed `graceDays` after it
 * was due gets ONE late fee of `amountCents`. A debt is a failed payment not settled since (due
 * when it first failed) or an unpaid subscription invoice (due at its period's start). The fee is a
 * payment of the family: charged to their default card through the `payment` workflow (receipt,
 * ledger entry and dunning as for any payment), or, with no card saved, recorded as owed (failed,
 * `no_payment_method`) to be paid another way (offline, `settlesPaymentId`). Once per debt: the
 * `late_fees` row is unique per source and claimed with the fee payment in one transaction.
 * An admin may waive it (POST /api/v1/payments/{id}/waive-late-fee, {id} the fee's payment):
 * unpaid, it is cancelled (no charge or retry follows); paid, it is refunded.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { conflict, validationFailed } from '../../http/errors.js';
import type { SchoolServices } from '../services.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { LateFeeSetting } from '../settings/types.js';
import { defaultMethodOf } from './customers.js';
import { refundPayment } from './refunds.js';
import { SCHOOL_CURRENCY } from './rules.js';
import type { PaymentStatus } from './values.js';

type Deps = Pick<SchoolServices, 'db' | 'gateway' | 'workflows' | 'config'>;
const DAY_MS = 86_400_000;
const BATCH = 200;

/** A debt past its grace period, not charged a fee yet. */
export interface LateDebt {
  kind: 'payment' | 'invoice';
  id: number;
  parentId: number;
  studentId: number | null;
  owedCents: number;
  description: string;
  dueAt: Date;
}

export async function lateDebts(sql: SqlExecutor, at: Date, graceDays: number): Promise<LateDebt[]> {
  const cutoff = new Date(at.getTime() - graceDays * DAY_MS);
  const payments = await sql.query<{ id: number; parent_id: number; student_id: number | null; amount_cents: number; description: string | null; due_at: Date }>(
    `SELECT p.id, p.parent_id, p.student_id, p.amount_cents, p.description, p.first_failed_at AS due_at FROM payments p
     WHERE p.status = 'failed' AND p.settled_by_payment_id IS NULL AND p.settles_payment_id IS NULL AND p.first_failed_at <= $1
       AND NOT EXISTS (SELECT 1 FROM late_fees f WHERE f.source_payment_id = p.id OR f.fee_payment_id = p.id)
     ORDER BY p.first_failed_at, p.id LIMIT ${BATCH}`,
    [cutoff],
  );
  const invoices = await sql.query<{ id: number; parent_id: number; student_id: number | null; owed: number; student_name: string | null; due_at: Date }>(
    `SELECT i.id, i.parent_id, ls.student_id, i.amount_due_cents - i.amount_paid_cents AS owed, s.first_name || ' ' || s.last_name AS student_name,
       COALESCE(i.period_start, i.created_at) AS due_at
     FROM invoices i LEFT JOIN lesson_subscriptions ls ON ls.id = i.subscription_id LEFT JOIN students s ON s.id = ls.student_id
     WHERE i.status IN ('open', 'uncollectible') AND i.amount_due_cents > i.amount_paid_cents AND COALESCE(i.period_start, i.created_at) <= $1
       AND NOT EXISTS (SELECT 1 FROM late_fees f WHERE f.source_invoice_id = i.id)
     ORDER BY 6, i.id LIMIT ${BATCH}`,
    [cutoff],
  );
  return [
    ...payments.map((p) => ({
      kind: 'payment' as const,
      id: p.id,
      parentId: p.parent_id,
      studentId: p.student_id,
      owedCents: p.amount_cents,
      description: p.description ?? `payment ${p.id}`,
      dueAt: p.due_at,
    })),
    ...invoices.map((i) => ({
      kind: 'invoice' as const,
      id: i.id,
      parentId: i.parent_id,
      studentId: i.student_id,
      owedCents: i.owed,
      description: i.student_name ? `the lessons of ${i.student_name}` : `subscription invoice ${i.id}`,
      dueAt: i.due_at,
    })),
  ];
}

/**
 * Claims the fee of one debt with its payment, in one transaction. Returns the late fee's id, or
 * null when another firing charged this debt already.
 */
export async function assessLateFee(deps: Deps, debt: LateDebt, policy: LateFeeSetting, actor: AuditActor): Promise<number | null> {
  const card = await defaultMethodOf(deps.db.sql, debt.parentId, deps.gateway.name);
  return deps.db.sql.transaction(async (tx) => {
    const [fee] = await tx.query<{ id: number }>(
      `INSERT INTO late_fees (parent_id, source_payment_id, source_invoice_id, amount_cents, currency, due_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING id`,
      [debt.parentId, debt.kind === 'payment' ? debt.id : null, debt.kind === 'invoice' ? debt.id : null, policy.amountCents, SCHOOL_CURRENCY, debt.dueAt],
    );
    if (!fee) return null;
    const description = `Late fee: ${debt.description}`.slice(0, 500);
    const chargeable = card !== undefined && debt.studentId !== null;
    const [payment] = await tx.query<{ id: number }>(
      chargeable
        ? `INSERT INTO payments (parent_id, student_id, amount_cents, currency, description, gateway, gateway_payment_method_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
        : `INSERT INTO payments (parent_id, student_id, amount_cents, currency, description, status, failure_code, failure_reason, first_failed_at)
           VALUES ($1, $2, $3, $4, $5, 'failed', 'no_payment_method', 'No saved card: pay it another way', now()) RETURNING id`,
      chargeable
        ? [debt.parentId, debt.studentId, policy.amountCents, SCHOOL_CURRENCY, description, deps.gateway.name, card]
        : [debt.parentId, debt.studentId, policy.amountCents, SCHOOL_CURRENCY, description],
    );
    await tx.query('UPDATE late_fees SET fee_payment_id = $2 WHERE id = $1', [fee.id, payment!.id]);
    await recordAudit(tx, actor, { action: 'create', entity: 'payment', entityId: payment!.id, after: { lateFeeId: fee.id, amountCents: policy.amountCents, description } });
    await recordAudit(tx, actor, {
      action: 'late_fee.assessed',
      entity: debt.kind,
      entityId: debt.id,
      after: { lateFeeId: fee.id, feePaymentId: payment!.id, amountCents: policy.amountCents, graceDays: policy.graceDays, dueAt: debt.dueAt.toISOString() },
    });
    return fee.id;
  });
}

export interface WaiveResult {
  lateFeeId: number;
  paymentId: number;
  status: PaymentStatus;
  refundedCents: number;
  waivedAt: string;
}

/** Waives the late fee charged as payment `paymentId` (admin). */
export async function waiveLateFee(deps: Deps, actor: AuditActor, paymentId: number, reason: string | undefined): Promise<WaiveResult> {
  const sql = deps.db.sql;
  const [fee] = await sql.query<{ id: number; waived_at: Date | null; status: string }>(
    'SELECT f.id, f.waived_at, p.status FROM late_fees f JOIN payments p ON p.id = f.fee_payment_id WHERE f.fee_payment_id = $1',
    [paymentId],
  );
  if (!fee) throw validationFailed([{ field: 'params.id', message: 'is not the payment of a late fee' }]);
  if (fee.waived_at) throw conflict(`This late fee was waived already (${fee.waived_at.toISOString()})`);
  if (fee.status === 'processing') throw conflict('The late fee is being charged right now; try again in a moment');
  if (fee.status === 'refunded' || fee.status === 'cancelled') throw conflict(`The late fee is ${fee.status} already`);
  let refundedCents = 0;
  if (fee.status === 'succeeded' || fee.status === 'partially_refunded') {
    refundedCents = (await refundPayment(deps, actor, paymentId, { idempotencyKey: `waive-late-fee:${fee.id}` })).amountCents;
  } else {
    // pending or failed: cancelled unless a charge claimed it in the meantime (the claim needs pending/failed too)
    const cancelled = await sql.query(
      `UPDATE payments SET status = 'cancelled', next_retry_at = NULL, retries_cancelled_at = COALESCE(retries_cancelled_at, now())
       WHERE id = $1 AND status IN ('pending', 'failed') RETURNING id`,
      [paymentId],
    );
    if (cancelled.length === 0) throw conflict('The late fee is being charged right now; try again in a moment');
  }
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ waived_at: Date }>(
      'UPDATE late_fees SET waived_at = now(), waived_by = $2, waive_reason = $3 WHERE id = $1 AND waived_at IS NULL RETURNING waived_at',
      [fee.id, actor.userId, reason ?? null],
    );
    if (!row) throw conflict('This late fee was waived already');
    const [payment] = await tx.query<{ status: PaymentStatus }>('SELECT status FROM payments WHERE id = $1', [paymentId]);
    await recordAudit(tx, actor, {
      action: 'late_fee.waived',
      entity: 'payment',
      entityId: paymentId,
      before: { status: fee.status },
      after: { lateFeeId: fee.id, status: payment!.status, refundedCents, reason: reason ?? null },
    });
    return { lateFeeId: fee.id, paymentId, status: payment!.status, refundedCents, waivedAt: row.waived_at.toISOString() };
  });
}
