/**
 * The periods of a lesson subscription and what each costs from the calendar (calendar-pricing.ts):
 * quoting a period from the student's lessons, closures and the `pricing` setting; saving the quote
 * with its lessons (the lines of the invoice to come); linking the invoice the gateway made for the
 * period (same subscription, same period start) and, once it is paid in full, marking its lessons
 * paid. Instants are Dates (UTC); money integer cents.
 */
import { DateTime } from 'luxon';
import type { SqlClient, SqlExecutor } from '../../db/sql-client.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import { pricePeriod, type CandidateLesson, type ClosureDays, type PricedPeriod } from './calendar-pricing.js';
import type { BillingInterval } from './values.js';

type Deps = Pick<SchoolServices, 'db' | 'config'>;

/** Calendar months in one billing period: `month` 1, `term` 4 (as the gateway bills them). */
export const intervalMonths: Readonly<Record<BillingInterval, number>> = { month: 1, term: 4 };

/** `date` plus `months` calendar months in UTC, clamped to the month's last day (as Stripe anchors). */
export function addMonths(date: Date, months: number): Date {
  return DateTime.fromJSDate(date, { zone: 'utc' }).plus({ months }).toJSDate();
}

/** The end of the period starting at `start`: the first boundary (anchor + n periods) after it. */
export function periodEndAfter(anchor: Date, interval: BillingInterval, start: Date): Date {
  const months = intervalMonths[interval];
  let periods = 1;
  while (addMonths(anchor, periods * months).getTime() <= start.getTime()) periods += 1;
  return addMonths(anchor, periods * months);
}

/** What [start, end) costs for this student, from the calendar. */
export async function quotePeriod(deps: Deps, sql: SqlExecutor, studentId: number, period: { start: Date; end: Date }): Promise<PricedPeriod> {
  const settings = await schoolSettings(deps.db, deps.config).get();
  const [student] = await sql.query<{ lesson_rate_cents: number }>('SELECT lesson_rate_cents FROM students WHERE id = $1', [studentId]);
  const rows = await sql.query<{
    id: number;
    scheduled_at: Date;
    duration_minutes: number;
    lesson_type: CandidateLesson['lessonType'];
    status: CandidateLesson['status'];
    cancelled_by: CandidateLesson['cancelledBy'];
    billed: boolean;
  }>(
    `SELECT l.id, l.scheduled_at, l.duration_minutes, l.lesson_type, l.status,
       CASE WHEN l.status <> 'cancelled' THEN NULL WHEN u.role = 'parent' THEN 'family' ELSE 'school' END AS cancelled_by,
       EXISTS (SELECT 1 FROM subscription_period_lessons pl JOIN subscription_periods p ON p.id = pl.period_id
               WHERE pl.lesson_id = l.id AND p.invoice_id IS NOT NULL AND p.period_start <> $2) AS billed
     FROM lessons l LEFT JOIN users u ON u.id = l.cancelled_by
     WHERE l.student_id = $1 AND l.scheduled_at >= $2 AND l.scheduled_at < $3`,
    [studentId, period.start, period.end],
  );
  const localDay = (d: Date, shiftDays: number): string => DateTime.fromJSDate(d, { zone: settings.timezone }).plus({ days: shiftDays }).toISODate()!;
  const closures = await sql.query<ClosureDays>(
    `SELECT starts_on::text AS "startsOn", ends_on::text AS "endsOn" FROM closures WHERE ends_on >= $1::date AND starts_on <= $2::date`,
    [localDay(period.start, -1), localDay(period.end, 1)],
  );
  const lessons: CandidateLesson[] = rows.map((r) => ({
    id: r.id,
    scheduledAt: new Date(r.scheduled_at),
    durationMinutes: r.duration_minutes,
    lessonType: r.lesson_type,
    status: r.status,
    cancelledBy: r.cancelled_by,
    billed: r.billed,
  }));
  return pricePeriod(lessons, closures, period, {
    zone: settings.timezone,
    lessonCents: settings.pricing.lessonCents,
    fallbackCents: student?.lesson_rate_cents ?? 0,
  });
}

export interface PeriodQuote {
  subscriptionId: number;
  parentId: number;
  start: Date;
  end: Date;
  priced: PricedPeriod;
}

/**
 * Saves the quote of a period with its lessons, replacing an earlier quote of the same period that
 * no invoice covers yet (an invoiced period keeps what was billed). Returns the period's id.
 */
export async function savePeriodQuote(sql: SqlClient, quote: PeriodQuote): Promise<number> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number; invoice_id: number | null }>(
      `INSERT INTO subscription_periods (subscription_id, parent_id, period_start, period_end, amount_cents, lesson_count)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (subscription_id, period_start) DO UPDATE SET period_end = EXCLUDED.period_end, amount_cents = EXCLUDED.amount_cents,
         lesson_count = EXCLUDED.lesson_count, priced_at = now()
         WHERE subscription_periods.invoice_id IS NULL
       RETURNING id, invoice_id`,
      [quote.subscriptionId, quote.parentId, quote.start, quote.end, quote.priced.amountCents, quote.priced.lessons.length],
    );
    if (!row) {
      const [kept] = await tx.query<{ id: number }>('SELECT id FROM subscription_periods WHERE subscription_id = $1 AND period_start = $2', [quote.subscriptionId, quote.start]);
      return kept!.id;
    }
    await tx.query('DELETE FROM subscription_period_lessons WHERE period_id = $1', [row.id]);
    if (quote.priced.lessons.length > 0) {
      await tx.query(
        `INSERT INTO subscription_period_lessons (period_id, lesson_id, amount_cents)
         SELECT $1, lesson_id, amount_cents FROM unnest($2::int[], $3::int[]) AS l (lesson_id, amount_cents)`,
        [row.id, quote.priced.lessons.map((l) => l.lessonId), quote.priced.lessons.map((l) => l.amountCents)],
      );
    }
    return row.id;
  });
}

/**
 * Links the invoice to the period it bills (same subscription and period start) and, when the
 * invoice is paid and covers the period's amount, marks the period's lessons paid. Idempotent;
 * called after the invoice is recorded and after a quote is saved, so whichever comes second links.
 * Returns the lessons the invoice covers (none when no quote matches).
 */
export async function linkInvoiceToPeriod(sql: SqlExecutor, invoiceId: number): Promise<{ periodId: number | null; lessonIds: number[]; paid: boolean }> {
  const [period] = await sql.query<{ id: number; paid: boolean }>(
    `UPDATE subscription_periods p SET invoice_id = i.id
     FROM invoices i
     WHERE i.id = $1 AND p.subscription_id = i.subscription_id AND p.period_start = i.period_start AND (p.invoice_id IS NULL OR p.invoice_id = i.id)
     RETURNING p.id, (i.status = 'paid' AND i.amount_paid_cents >= p.amount_cents) AS paid`,
    [invoiceId],
  );
  if (!period) return { periodId: null, lessonIds: [], paid: false };
  const lines = await sql.query<{ lesson_id: number }>('SELECT lesson_id FROM subscription_period_lessons WHERE period_id = $1 ORDER BY lesson_id', [period.id]);
  if (period.paid && lines.length > 0) {
    await sql.query(`UPDATE lessons SET payment_status = 'paid' WHERE id = ANY ($1::int[]) AND payment_status <> 'paid'`, [lines.map((l) => l.lesson_id)]);
  }
  return { periodId: period.id, lessonIds: lines.map((l) => l.lesson_id), paid: period.paid };
}

/** Links the invoice of this subscription's period starting at `start`, if the gateway reported it already. */
export async function linkPeriodToInvoice(sql: SqlExecutor, subscriptionId: number, start: Date): Promise<void> {
  const [invoice] = await sql.query<{ id: number }>('SELECT id FROM invoices WHERE subscription_id = $1 AND period_start = $2', [subscriptionId, start]);
  if (invoice) await linkInvoiceToPeriod(sql, invoice.id);
}
