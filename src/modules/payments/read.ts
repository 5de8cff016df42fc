/**
 * Reading payments for the API: admins see every payment, a parent their own family's (an explicit
 * filter, with row-level security as the second wall).
 */
import type { Database } from '../../db/client.js';
import { REQUEST_ROLE, type Caller } from '../auth/scoped.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { notFound } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import type { PaymentListQuery, PaymentView } from './schemas.js';
import type { IncomeKind } from './values.js';

export const paymentColumns = `id, parent_id, student_id, lesson_id, amount_cents, currency, status, method, description, failure_code,
  failure_reason, refunded_cents, attempt_count, next_retry_at, dunning_exhausted_at, receipt_number, paid_at, workflow_run_id, created_at, updated_at,
  settles_payment_id, settled_by_payment_id, retries_cancelled_at, received_on::text AS received_on, reference`;

export interface PaymentRow {
  id: number;
  parent_id: number;
  student_id: number | null;
  lesson_id: number | null;
  amount_cents: number;
  currency: string;
  status: PaymentView['status'];
  method: string;
  description: string | null;
  failure_code: string | null;
  failure_reason: string | null;
  refunded_cents: number;
  attempt_count: number;
  next_retry_at: Date | null;
  dunning_exhausted_at: Date | null;
  receipt_number: string | null;
  paid_at: Date | null;
  workflow_run_id: string | null;
  created_at: Date;
  updated_at: Date;
  settles_payment_id: number | null;
  settled_by_payment_id: number | null;
  retries_cancelled_at: Date | null;
  received_on: string | null;
  reference: string | null;
  /** Set by the income list (listPayments); a payments row otherwise. */
  kind?: IncomeKind;
  invoice_id?: number | null;
  period_start?: Date | null;
  period_end?: Date | null;
}

const offlineMethods: ReadonlySet<string> = new Set(['cash', 'etransfer', 'cheque']);

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toPaymentView(r: PaymentRow): PaymentView {
  return {
    id: r.id,
    parentId: r.parent_id,
    studentId: r.student_id,
    lessonId: r.lesson_id,
    amountCents: r.amount_cents,
    currency: r.currency.trim(),
    status: r.status,
    method: r.method,
    description: r.description,
    failureCode: r.failure_code,
    failureReason: r.failure_reason,
    refundedCents: r.refunded_cents,
    attemptCount: r.attempt_count,
    nextRetryAt: iso(r.next_retry_at),
    dunningExhaustedAt: iso(r.dunning_exhausted_at),
    receiptNumber: r.receipt_number,
    paidAt: iso(r.paid_at),
    runId: r.workflow_run_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    settlesPaymentId: r.settles_payment_id,
    settledByPaymentId: r.settled_by_payment_id,
    retriesCancelledAt: iso(r.retries_cancelled_at),
    receivedOn: r.received_on,
    reference: r.reference,
    kind: r.kind ?? (offlineMethods.has(r.method) ? 'offline' : 'payment'),
    invoiceId: r.invoice_id ?? null,
    periodStart: iso(r.period_start ?? null),
    periodEnd: iso(r.period_end ?? null),
  };
}

/**
 * The income list as one relation: payments (kind `payment`, or `offline` for cash, e-transfer and
 * cheques) and subscription invoices (kind `subscription`, their status in payment terms: paid →
 * succeeded, open after a failed attempt or uncollectible → failed, open before any attempt or
 * draft → pending, void → cancelled), with the columns of paymentColumns.
 */
const incomeRelation = `(
  SELECT CASE WHEN method IN ('cash', 'etransfer', 'cheque') THEN 'offline' ELSE 'payment' END AS kind, ${paymentColumns},
    NULL::integer AS invoice_id, NULL::timestamptz AS period_start, NULL::timestamptz AS period_end
  FROM payments
  UNION ALL
  SELECT 'subscription', i.id, i.parent_id, ls.student_id, NULL::integer, i.amount_due_cents, i.currency,
    CASE i.status WHEN 'paid' THEN 'succeeded' WHEN 'void' THEN 'cancelled' WHEN 'uncollectible' THEN 'failed'
      WHEN 'open' THEN CASE WHEN i.attempt_count > 0 THEN 'failed' ELSE 'pending' END ELSE 'pending' END,
    'card', COALESCE('Lessons of ' || s.first_name || ' ' || s.last_name, 'Lesson subscription'), i.failure_code,
    NULL::text, 0, i.attempt_count, NULL::timestamptz, NULL::timestamptz, i.receipt_number, i.paid_at, NULL::uuid, i.created_at, i.updated_at,
    NULL::integer, NULL::integer, NULL::timestamptz, NULL::text, NULL::text,
    i.id, i.period_start, i.period_end
  FROM invoices i LEFT JOIN lesson_subscriptions ls ON ls.id = i.subscription_id LEFT JOIN students s ON s.id = ls.student_id
) income`;

/**
 * Runs raw SQL in one transaction as the caller: role cedar_app and the caller's claims, so the
 * row-level security policies filter every statement (as `asCaller` does for Drizzle).
 */
export function asCallerSql<T>(db: Database, caller: Caller, work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
  const claims = JSON.stringify({ sub: String(Math.trunc(caller.userId)), role: 'authenticated', app_role: caller.role });
  return db.sql.transaction(async (tx) => {
    await tx.query(`SELECT set_config('request.jwt.claims', $1, true), set_config('role', '${REQUEST_ROLE}', true)`, [claims]);
    return work(tx);
  });
}

export async function listPayments(db: Database, caller: Caller, q: PaymentListQuery): Promise<{ data: PaymentView[]; page: number; pageSize: number; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (caller.role !== 'admin') add('parent_id = ?', caller.userId);
  if (q.kind !== undefined) add('kind = ?', q.kind);
  if (q.studentId !== undefined) add('student_id = ?', q.studentId);
  if (q.parentId !== undefined) add('parent_id = ?', q.parentId);
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.from !== undefined) add('created_at >= ?', new Date(q.from));
  if (q.to !== undefined) add('created_at < ?', new Date(q.to));
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return asCallerSql(db, caller, async (sql) => {
    const rows = await sql.query<PaymentRow & { total: number }>(
      `SELECT *, count(*) OVER ()::int AS total FROM ${incomeRelation} ${filter}
       ORDER BY created_at DESC, kind, id DESC LIMIT ${q.pageSize} OFFSET ${offsetOf(q)}`,
      params,
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && q.page > 1) {
      total = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${incomeRelation} ${filter}`, params))[0]?.n ?? 0;
    }
    return { data: rows.map(toPaymentView), page: q.page, pageSize: q.pageSize, total };
  });
}

/** One payment (admin; the parent's own). Another family's payment is "not found". */
export async function getPayment(db: Database, caller: Caller, id: number): Promise<PaymentView> {
  const row = await asCallerSql(db, caller, async (sql) => {
    const [found] = await sql.query<PaymentRow>(
      `SELECT ${paymentColumns} FROM payments WHERE id = $1${caller.role === 'admin' ? '' : ' AND parent_id = $2'}`,
      caller.role === 'admin' ? [id] : [id, caller.userId],
    );
    return found;
  });
  if (!row) throw notFound('Payment');
  return toPaymentView(row);
}
