import { sumColumns, type ReportDefinition, type ReportRow } from './types.js';

/**
 * receivables (admin): what families owed at the end of `to` (local day), by how many days it was
 * past due then: 0–30, 31–60, 61–90, over 90. `from` is not used (an old debt is still owed).
 * A debt is what the family balance counts as outstanding: a failed payment not settled (due
 * when it first failed) and an unpaid subscription invoice (due at its period start,
 * `amount_due − amount_paid`). A debt paid after `to` (a failed payment settled later, an invoice
 * paid later) still counts as owed at `to`. One row per family owing something; totals over all.
 */
const bucketColumns = ['days0To30Cents', 'days31To60Cents', 'days61To90Cents', 'over90DaysCents', 'totalCents'] as const;

export const receivablesReport: ReportDefinition = {
  name: 'receivables',
  groupings: ['family'],
  teacherScoped: false,
  async run(sql, params) {
    const rows = await sql.query<ReportRow>(
      `WITH b AS (SELECT ($2::date + 1)::timestamp AT TIME ZONE $1 AS hi, $2::date AS day),
       debts AS (
         SELECT p.parent_id, coalesce(p.first_failed_at, p.created_at) AS due_at, p.amount_cents AS cents
           FROM payments p CROSS JOIN b LEFT JOIN payments settler ON settler.id = p.settled_by_payment_id
          WHERE p.settles_payment_id IS NULL AND coalesce(p.first_failed_at, p.created_at) < b.hi
            AND (p.status = 'failed' OR (p.status = 'cancelled' AND settler.paid_at >= b.hi))
         UNION ALL
         SELECT i.parent_id, coalesce(i.period_start, i.created_at),
                i.amount_due_cents - CASE WHEN i.status = 'paid' THEN 0 ELSE i.amount_paid_cents END
           FROM invoices i CROSS JOIN b
          WHERE coalesce(i.period_start, i.created_at) < b.hi
            AND (i.status IN ('open', 'uncollectible') OR (i.status = 'paid' AND i.paid_at >= b.hi))
       ),
       aged AS (SELECT d.parent_id, d.cents, b.day - (d.due_at AT TIME ZONE $1)::date AS days FROM debts d CROSS JOIN b WHERE d.cents > 0)
       SELECT a.parent_id AS "parentId", u.first_name || ' ' || u.last_name AS "parentName", u.email AS "parentEmail",
              coalesce(sum(a.cents) FILTER (WHERE a.days <= 30), 0)::int AS "days0To30Cents",
              coalesce(sum(a.cents) FILTER (WHERE a.days BETWEEN 31 AND 60), 0)::int AS "days31To60Cents",
              coalesce(sum(a.cents) FILTER (WHERE a.days BETWEEN 61 AND 90), 0)::int AS "days61To90Cents",
              coalesce(sum(a.cents) FILTER (WHERE a.days > 90), 0)::int AS "over90DaysCents",
              sum(a.cents)::int AS "totalCents"
         FROM aged a JOIN users u ON u.id = a.parent_id
        GROUP BY a.parent_id, u.first_name, u.last_name, u.email
        ORDER BY "totalCents" DESC, a.parent_id`,
      [params.timezone, params.to],
    );
    return { columns: ['parentId', 'parentName', 'parentEmail', ...bucketColumns], rows, totals: sumColumns(rows, bucketColumns) };
  },
};
