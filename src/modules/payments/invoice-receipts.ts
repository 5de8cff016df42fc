/**
 * After the gateway reported a subscription invoice: link it to the period it bills (its lessons
 * are its lines; paid in full → the lessons are paid) and, when it was paid, give it a receipt
 * number and e-mail the receipt, once (the notification is keyed by the invoice).
 */
import type { SchoolServices } from '../services.js';
import { notifyUser } from './notify.js';
import { receiptNumberOf } from './record-success.js';
import { linkInvoiceToPeriod } from './subscription-periods.js';

type Deps = Pick<SchoolServices, 'db' | 'workflows'>;

interface InvoiceFacts {
  parent_id: number;
  status: string;
  amount_paid_cents: number;
  currency: string;
  period_start: Date | null;
  period_end: Date | null;
  paid_at: Date | null;
  receipt_number: string | null;
  student_name: string | null;
}

/**
 * The invoice's receipt number, drawn once from the payments' id sequence (so it never equals a
 * payment's receipt number, which is R- and the payment id).
 */
async function ensureReceiptNumber(deps: Deps, invoiceId: number): Promise<string | null> {
  const [existing] = await deps.db.sql.query<{ receipt_number: string | null }>('SELECT receipt_number FROM invoices WHERE id = $1', [invoiceId]);
  if (existing?.receipt_number) return existing.receipt_number;
  const [next] = await deps.db.sql.query<{ n: string }>(`SELECT nextval(pg_get_serial_sequence('payments', 'id'))::text AS n`);
  await deps.db.sql.query('UPDATE invoices SET receipt_number = $2 WHERE id = $1 AND receipt_number IS NULL', [invoiceId, receiptNumberOf(Number(next!.n))]);
  const [row] = await deps.db.sql.query<{ receipt_number: string | null }>('SELECT receipt_number FROM invoices WHERE id = $1', [invoiceId]);
  return row?.receipt_number ?? null;
}

export async function afterInvoiceRecorded(deps: Deps, invoiceId: number): Promise<{ lessonIds: number[]; receiptRunId: string | null }> {
  const link = await linkInvoiceToPeriod(deps.db.sql, invoiceId);
  const [invoice] = await deps.db.sql.query<InvoiceFacts>(
    `SELECT i.parent_id, i.status, i.amount_paid_cents, i.currency, i.period_start, i.period_end, i.paid_at, i.receipt_number,
       s.first_name || ' ' || s.last_name AS student_name
     FROM invoices i LEFT JOIN lesson_subscriptions ls ON ls.id = i.subscription_id LEFT JOIN students s ON s.id = ls.student_id
     WHERE i.id = $1`,
    [invoiceId],
  );
  if (invoice?.status !== 'paid' || invoice.amount_paid_cents <= 0) return { lessonIds: link.lessonIds, receiptRunId: null };
  const receiptNumber = await ensureReceiptNumber(deps, invoiceId);
  const data = {
    amountCents: invoice.amount_paid_cents,
    currency: invoice.currency.trim(),
    description: invoice.student_name ? `the lessons of ${invoice.student_name}` : 'your lesson subscription',
    paidAt: invoice.paid_at?.toISOString() ?? null,
    receiptNumber,
    periodStart: invoice.period_start?.toISOString() ?? null,
    periodEnd: invoice.period_end?.toISOString() ?? null,
    lessonCount: link.periodId === null ? null : link.lessonIds.length,
  };
  const receiptRunId = await notifyUser(deps, invoice.parent_id, 'payment_receipt', data, `invoice:${invoiceId}:receipt`);
  return { lessonIds: link.lessonIds, receiptRunId };
}
