import { RANGE_BOUNDS, sumColumns, type ReportDefinition, type ReportRow } from './types.js';

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
const moneyColumns = ['billedCents', 'collectedCents', 'refundedCents', 'netCents'] as const;
const sums = `sum(billed) AS billed, sum(collected) AS collected, sum(refunded) AS refunded`;
const answer = `sum(billed)::int AS "billedCents", sum(collected)::int AS "collectedCents", sum(refunded)::int AS "refundedCents", (sum(collected) - sum(refunded))::int AS "netCents"`;

/** Movements of the range by month: the three sources, each summed by month before they meet. */
const byMonth = `WITH b AS (${RANGE_BOUNDS}),
  moves AS (
    SELECT date_trunc('month', p.created_at AT TIME ZONE $1) AS month, sum(p.amount_cents) AS billed, 0 AS collected, 0 AS refunded
      FROM payments p CROSS JOIN b WHERE p.created_at >= b.lo AND p.created_at < b.hi AND p.settles_payment_id IS NULL GROUP BY 1
    UNION ALL
    SELECT date_trunc('month', coalesce(i.period_start, i.created_at) AT TIME ZONE $1), sum(i.amount_due_cents), 0, 0
      FROM invoices i CROSS JOIN b
     WHERE coalesce(i.period_start, i.created_at) >= b.lo AND coalesce(i.period_start, i.created_at) < b.hi AND i.status NOT IN ('draft', 'void') GROUP BY 1
    UNION ALL
    SELECT date_trunc('month', e.occurred_at AT TIME ZONE $1), 0, coalesce(sum(e.amount_cents) FILTER (WHERE e.kind = 'payment'), 0), coalesce(-sum(e.amount_cents) FILTER (WHERE e.kind = 'refund'), 0)
      FROM ledger_entries e CROSS JOIN b WHERE e.occurred_at >= b.lo AND e.occurred_at < b.hi GROUP BY 1
  )
  SELECT to_char(month, 'YYYY-MM') AS month, ${answer} FROM moves GROUP BY moves.month ORDER BY moves.month`;

/** Movements of the range summed per student and lesson teacher first, then labelled by instrument or teacher. */
const byStudent = (select: string, by: string, order: string) => `WITH b AS (${RANGE_BOUNDS}),
  moves AS (
    SELECT p.student_id, l.teacher_id AS lesson_teacher_id, p.amount_cents AS billed, 0 AS collected, 0 AS refunded
      FROM payments p CROSS JOIN b LEFT JOIN lessons l ON l.id = p.lesson_id
     WHERE p.created_at >= b.lo AND p.created_at < b.hi AND p.settles_payment_id IS NULL
    UNION ALL
    SELECT s.student_id, NULL, i.amount_due_cents, 0, 0
      FROM invoices i CROSS JOIN b LEFT JOIN lesson_subscriptions s ON s.id = i.subscription_id
     WHERE coalesce(i.period_start, i.created_at) >= b.lo AND coalesce(i.period_start, i.created_at) < b.hi AND i.status NOT IN ('draft', 'void')
    UNION ALL
    SELECT coalesce(p.student_id, s.student_id), l.teacher_id, 0,
           CASE WHEN e.kind = 'payment' THEN e.amount_cents ELSE 0 END, CASE WHEN e.kind = 'refund' THEN -e.amount_cents ELSE 0 END
      FROM ledger_entries e CROSS JOIN b
      LEFT JOIN payments p ON p.id = e.payment_id
      LEFT JOIN lessons l ON l.id = p.lesson_id
      LEFT JOIN invoices i ON i.id = e.invoice_id
      LEFT JOIN lesson_subscriptions s ON s.id = i.subscription_id
     WHERE e.occurred_at >= b.lo AND e.occurred_at < b.hi
  ),
  per_student AS (SELECT student_id, lesson_teacher_id, ${sums} FROM moves GROUP BY 1, 2)
  SELECT ${select}, ${answer}
    FROM per_student m
    LEFT JOIN students st ON st.id = m.student_id
    LEFT JOIN teachers t ON t.id = coalesce(m.lesson_teacher_id, st.teacher_id)
    LEFT JOIN users u ON u.id = t.user_id
   GROUP BY ${by} ORDER BY ${order}`;

const statements: Record<string, string> = {
  month: byMonth,
  instrument: byStudent('st.instrument AS instrument', '1', '1 NULLS LAST'),
  teacher: byStudent(`t.id AS "teacherId", CASE WHEN t.id IS NULL THEN NULL ELSE u.first_name || ' ' || u.last_name END AS "teacherName"`, '1, 2', '2 NULLS LAST, 1'),
};

export const revenueReport: ReportDefinition = {
  name: 'revenue',
  groupings: ['month', 'instrument', 'teacher'],
  teacherScoped: false,
  async run(sql, params) {
    const rows = await sql.query<ReportRow>(statements[params.groupBy]!, [params.timezone, params.from, params.to]);
    const keys = params.groupBy === 'teacher' ? ['teacherId', 'teacherName'] : [params.groupBy];
    return { columns: [...keys, ...moneyColumns], rows, totals: sumColumns(rows, moneyColumns) };
  },
};
