import type { ReportDefinition, ReportRow } from './types.js';

/**
 * retention (admin): per calendar month of the range (a month cut by the range counts only its
 * days inside it), the students who were active (enrolled by the end of the month and not gone
 * before it began), new (`enrollment_date` in it) and left (made inactive in it: a student who left
 * is dated by the last change of their record, `students.updated_at`, in the school's zone).
 * `groupBy=instrument` splits each month by the student's instrument.
 */
const groupings = {
  month: { select: '', by: '1' },
  instrument: { select: ', st.instrument AS instrument', by: '1, 2' },
} as const;

const counts = ['active', 'new', 'left'] as const;

export const retentionReport: ReportDefinition = {
  name: 'retention',
  groupings: ['month', 'instrument'],
  teacherScoped: false,
  async run(sql, params) {
    const g = groupings[params.groupBy as keyof typeof groupings];
    const rows = await sql.query<ReportRow>(
      `WITH months AS (
         SELECT greatest(m::date, $2::date) AS lo, least((m + interval '1 month')::date, $3::date + 1) AS hi, to_char(m, 'YYYY-MM') AS month
           FROM generate_series(date_trunc('month', $2::date), date_trunc('month', $3::date), interval '1 month') AS m
       ),
       st AS (
         SELECT s.instrument, s.enrollment_date, CASE WHEN s.is_active THEN NULL ELSE (s.updated_at AT TIME ZONE $1)::date END AS left_on
           FROM students s WHERE s.enrollment_date <= $3::date
       )
       SELECT m.month${g.select},
              count(*) FILTER (WHERE st.enrollment_date < m.hi AND (st.left_on IS NULL OR st.left_on >= m.lo))::int AS active,
              count(*) FILTER (WHERE st.enrollment_date >= m.lo AND st.enrollment_date < m.hi)::int AS new,
              count(*) FILTER (WHERE st.left_on >= m.lo AND st.left_on < m.hi)::int AS left
         FROM months m CROSS JOIN st
        GROUP BY ${g.by} ORDER BY ${g.by}`,
      [params.timezone, params.from, params.to],
    );
    const keys = params.groupBy === 'instrument' ? ['month', 'instrument'] : ['month'];
    // Active students are a count at a time, not a flow: only new and left add up over months.
    return { columns: [...keys, ...counts], rows, totals: { new: rows.reduce((s, r) => s + Number(r.new), 0), left: rows.reduce((s, r) => s + Number(r.left), 0) } };
  },
};
