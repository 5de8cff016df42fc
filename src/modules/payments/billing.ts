/**
 * GET /api/v1/billing/{parentId} (admin; a parent their own): the family's account — balance from
 * the ledger, what is still owed (failed payments not settled since — a settled one is 'cancelled',
 * a failed attempt to settle one owes nothing itself — and unpaid invoices), the flag, saved
 * methods, subscriptions, invoices and receipts.
 * Read as the caller, so row-level security applies too.
 */
import type { Database } from '../../db/client.js';
import type { Caller } from '../auth/scoped.js';
import { forbidden, notFound } from '../../http/errors.js';
import type { BillingView } from './billing-schemas.js';
import { familyBalance } from './balance.js';
import { asCallerSql } from './read.js';
import { SCHOOL_CURRENCY } from './rules.js';
import { subscriptionColumns, toSubscriptionView, type SubscriptionRow } from './subscription-view.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const LIMIT = 50;

export async function billingOf(db: Database, gateway: string, caller: Caller, parentId: number): Promise<BillingView> {
  if (caller.role !== 'admin' && caller.userId !== parentId) throw forbidden('You may only see your own billing');
  const [parent] = await db.sql.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [parentId]);
  if (parent?.role !== 'parent') throw notFound('Parent');
  return asCallerSql(db, caller, async (sql) => {
    const [customer] = await sql.query<{ gateway_customer_id: string }>('SELECT gateway_customer_id FROM billing_customers WHERE parent_id = $1 AND gateway = $2', [
      parentId,
      gateway,
    ]);
    const money = await familyBalance(sql, parentId);
    const [flag] = await sql.query<{ reason: string; flagged_at: Date; payment_id: number | null }>(
      'SELECT reason, flagged_at, payment_id FROM family_flags WHERE parent_id = $1 AND cleared_at IS NULL',
      [parentId],
    );
    const methods = await sql.query<{
      gateway_payment_method_id: string;
      brand: string;
      last4: string;
      exp_month: number;
      exp_year: number;
      is_default: boolean;
      created_at: Date;
    }>(
      `SELECT gateway_payment_method_id, brand, last4, exp_month, exp_year, is_default, created_at FROM saved_payment_methods
       WHERE parent_id = $1 AND gateway = $2 ORDER BY is_default DESC, created_at DESC`,
      [parentId, gateway],
    );
    const subscriptions = await sql.query<SubscriptionRow>(`SELECT ${subscriptionColumns} FROM lesson_subscriptions WHERE parent_id = $1 ORDER BY id DESC`, [parentId]);
    const invoices = await sql.query<{
      id: number;
      gateway_invoice_id: string;
      subscription_id: number | null;
      status: BillingView['invoices'][number]['status'];
      amount_due_cents: number;
      amount_paid_cents: number;
      currency: string;
      period_start: Date | null;
      period_end: Date | null;
      attempt_count: number;
      paid_at: Date | null;
      created_at: Date;
      receipt_number: string | null;
    }>(
      `SELECT id, gateway_invoice_id, subscription_id, status, amount_due_cents, amount_paid_cents, currency, period_start, period_end, attempt_count, paid_at, created_at,
         receipt_number
        FROM invoices WHERE parent_id = $1 ORDER BY created_at DESC, id DESC LIMIT ${LIMIT}`,
      [parentId],
    );
    const lines = await sql.query<{ invoice_id: number; lesson_id: number; scheduled_at: Date; amount_cents: number }>(
      `SELECT p.invoice_id, pl.lesson_id, l.scheduled_at, pl.amount_cents
       FROM subscription_periods p JOIN subscription_period_lessons pl ON pl.period_id = p.id JOIN lessons l ON l.id = pl.lesson_id
       WHERE p.invoice_id = ANY ($1::int[]) ORDER BY l.scheduled_at, l.id`,
      [invoices.map((i) => i.id)],
    );
    const receipts = await sql.query<{
      id: number | null;
      invoice_id: number | null;
      receipt_number: string;
      amount_cents: number;
      refunded_cents: number;
      currency: string;
      description: string | null;
      paid_at: Date;
    }>(
      `SELECT id, NULL::integer AS invoice_id, receipt_number, amount_cents, refunded_cents, currency, description, paid_at FROM payments
       WHERE parent_id = $1 AND receipt_number IS NOT NULL
       UNION ALL
       SELECT NULL, id, receipt_number, amount_paid_cents, 0, currency, 'Lesson subscription', paid_at FROM invoices
       WHERE parent_id = $1 AND receipt_number IS NOT NULL AND paid_at IS NOT NULL
       ORDER BY paid_at DESC, receipt_number DESC LIMIT ${LIMIT}`,
      [parentId],
    );
    return {
      parentId,
      currency: SCHOOL_CURRENCY,
      customerId: customer?.gateway_customer_id ?? null,
      balance: { paidCents: money.paid, refundedCents: money.refunded, netPaidCents: money.paid - money.refunded, outstandingCents: money.outstanding },
      flag: flag ? { reason: flag.reason, flaggedAt: flag.flagged_at.toISOString(), paymentId: flag.payment_id } : null,
      paymentMethods: methods.map((r) => ({
        id: r.gateway_payment_method_id,
        brand: r.brand,
        last4: r.last4,
        expMonth: r.exp_month,
        expYear: r.exp_year,
        isDefault: r.is_default,
        createdAt: r.created_at.toISOString(),
      })),
      subscriptions: subscriptions.map(toSubscriptionView),
      invoices: invoices.map((r) => ({
        id: r.id,
        gatewayInvoiceId: r.gateway_invoice_id,
        subscriptionId: r.subscription_id,
        status: r.status,
        amountDueCents: r.amount_due_cents,
        amountPaidCents: r.amount_paid_cents,
        currency: r.currency.trim(),
        periodStart: iso(r.period_start),
        periodEnd: iso(r.period_end),
        attemptCount: r.attempt_count,
        paidAt: iso(r.paid_at),
        createdAt: r.created_at.toISOString(),
        receiptNumber: r.receipt_number,
        lessons: lines.filter((l) => l.invoice_id === r.id).map((l) => ({ lessonId: l.lesson_id, scheduledAt: l.scheduled_at.toISOString(), amountCents: l.amount_cents })),
      })),
      receipts: receipts.map((r) => ({
        paymentId: r.id,
        invoiceId: r.invoice_id,
        receiptNumber: r.receipt_number,
        amountCents: r.amount_cents,
        refundedCents: r.refunded_cents,
        currency: r.currency.trim(),
        description: r.description,
        paidAt: r.paid_at.toISOString(),
      })),
    };
  });
}
