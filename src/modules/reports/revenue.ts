import { RANGE_BOUNDS, sqlParams, sumColumns, type ReportDefinition, type ReportRow } from './types.js';

/**
 * revenue (admin): money billed, collected and refunded in the range, in cents.
 * - billed: payments created in the range (card, offline, late fees; a payment that only settles an
 *   earlier failed one is not billed again) plus subscription invoices (not draft or void) whose
 *   period starts in the range (`amount_due_cents`);
 * - collected / refunded: the ledger's payment and refund entries dated in the range, exactly the
 *   figures reconciliation and the family balance use; net = collected − refunded.
 * Money is attributed to the student of the payment (or of the invoice's subscription); its teacher
 * is the lesson's teacher when the payment names a lesson, else the student's teacher.
 */
const groupings = {
  month: { select: `to_char(m.at AT TIME ZONE $1, 'YYYY-MM') AS month`, by: '1', order: '1' },
  instrument: { select: 'st.instrument AS instrument', by: '1', order: '1 NULLS LAST' },
  teacher: {
    select: `t.id AS "teacherId", CASE WHEN t.id IS NULL THEN NULL ELSE u.first_name || ' ' || u.last_name END AS "teacherName"`,
    by: '1, 2',
    order: '2 NULLS LAST, 1',
  },
} as const;

const moneyColumns = ['billedCents', 'collectedCents', 'refundedCents', 'netCents'] as const;

export const revenueReport: ReportDefinition = {
  name: 'revenue',
  groupings: ['month', 'instrument', 'teacher'],
  teacherScoped: false,
  async run(sql, params) {
    const g = groupings[params.groupBy as keyof typeof groupings];
    const rows = await sql.query<ReportRow>(
      `WITH b AS (${RANGE_BOUNDS}),
       moves AS (
         SELECT p.created_at AS at, p.student_id, l.teacher_id AS lesson_teacher_id, p.amount_cents AS billed, 0 AS collected, 0 AS refunded
           FROM payments p CROSS JOIN b LEFT JOIN lessons l ON l.id = p.lesson_id
          WHERE p.created_at >= b.lo AND p.created_at < b.hi AND p.settles_payment_id IS NULL
         UNION ALL
         SELECT coalesce(i.period_start, i.created_at), s.student_id, NULL, i.amount_due_cents, 0, 0
           FROM invoices i CROSS JOIN b LEFT JOIN lesson_subscriptions s ON s.id = i.subscription_id
          WHERE coalesce(i.period_start, i.created_at) >= b.lo AND coalesce(i.period_start, i.created_at) < b.hi AND i.status NOT IN ('draft', 'void')
         UNION ALL
         SELECT e.occurred_at, coalesce(p.student_id, s.student_id), l.teacher_id, 0,
                CASE WHEN e.kind = 'payment' THEN e.amount_cents ELSE 0 END,
                CASE WHEN e.kind = 'refund' THEN -e.amount_cents ELSE 0 END
           FROM ledger_entries e CROSS JOIN b
           LEFT JOIN payments p ON p.id = e.payment_id
           LEFT JOIN lessons l ON l.id = p.lesson_id
           LEFT JOIN invoices i ON i.id = e.invoice_id
           LEFT JOIN lesson_subscriptions s ON s.id = i.subscription_id
          WHERE e.occurred_at >= b.lo AND e.occurred_at < b.hi
       )
       SELECT ${g.select},
              sum(m.billed)::int AS "billedCents", sum(m.collected)::int AS "collectedCents",
              sum(m.refunded)::int AS "refundedCents", (sum(m.collected) - sum(m.refunded))::int AS "netCents"
         FROM moves m
         LEFT JOIN students st ON st.id = m.student_id
         LEFT JOIN teachers t ON t.id = coalesce(m.lesson_teacher_id, st.teacher_id)
         LEFT JOIN users u ON u.id = t.user_id
        GROUP BY ${g.by} ORDER BY ${g.order}`,
      sqlParams(params).slice(0, 3),
    );
    const keys = params.groupBy === 'teacher' ? ['teacherId', 'teacherName'] : [params.groupBy];
    return { columns: [...keys, ...moneyColumns], rows, totals: sumColumns(rows, moneyColumns) };
  },
};
