import { RANGE_BOUNDS, sumColumns, type ReportDefinition, type ReportRow } from './types.js';

/**
 * enrollment-funnel (admin): the enrollment forms submitted in the range (`created_at`), per month
 * of submission or per instrument, by where they stand now: completed, waitlisted (still waiting),
 * rejected, failed, pending (being decided); promotedFromWaitlist counts those given a place from
 * the waitlist. Time to complete (seconds from submission to completion, for completed ones): its
 * median and 90th percentile (continuous percentiles, rounded to the second; null when none completed).
 */
const groupings = {
  month: { select: `to_char(e.created_at AT TIME ZONE $1, 'YYYY-MM') AS month`, keys: ['month'] },
  instrument: { select: 'e.instrument AS instrument', keys: ['instrument'] },
} as const;

const counts = ['submitted', 'completed', 'waitlisted', 'rejected', 'failed', 'pending', 'promotedFromWaitlist'] as const;

export const enrollmentFunnelReport: ReportDefinition = {
  name: 'enrollment-funnel',
  groupings: ['month', 'instrument'],
  teacherScoped: false,
  async run(sql, params) {
    const g = groupings[params.groupBy as keyof typeof groupings];
    const completion = `extract(epoch FROM e.decided_at - e.created_at)`;
    const rows = await sql.query<ReportRow>(
      `WITH b AS (${RANGE_BOUNDS})
       SELECT ${g.select},
              count(*)::int AS submitted,
              count(*) FILTER (WHERE e.status = 'completed')::int AS completed,
              count(*) FILTER (WHERE e.status = 'waitlisted')::int AS waitlisted,
              count(*) FILTER (WHERE e.status = 'rejected')::int AS rejected,
              count(*) FILTER (WHERE e.status = 'failed')::int AS failed,
              count(*) FILTER (WHERE e.status = 'pending')::int AS pending,
              count(*) FILTER (WHERE e.promoted_at IS NOT NULL)::int AS "promotedFromWaitlist",
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${completion}) FILTER (WHERE e.status = 'completed' AND e.decided_at IS NOT NULL))::int AS "medianSecondsToComplete",
              round(percentile_cont(0.9) WITHIN GROUP (ORDER BY ${completion}) FILTER (WHERE e.status = 'completed' AND e.decided_at IS NOT NULL))::int AS "p90SecondsToComplete"
         FROM enrollments e CROSS JOIN b
        WHERE e.created_at >= b.lo AND e.created_at < b.hi
        GROUP BY 1 ORDER BY 1`,
      [params.timezone, params.from, params.to],
    );
    return { columns: [...g.keys, ...counts, 'medianSecondsToComplete', 'p90SecondsToComplete'], rows, totals: sumColumns(rows, counts) };
  },
};
