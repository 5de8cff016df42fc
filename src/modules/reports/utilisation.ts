import { RANGE_BOUNDS, sqlParams, sumColumns, teacherScope, type ReportDefinition, type ReportRow } from './types.js';

/**
 * utilisation (admin; a teacher their own): per teacher and week (ISO, starting Monday: `period` is
 * its Monday) or month (`YYYY-MM`), the minutes a teacher was available and the minutes booked.
 * Available: the weekly hours (local times in the school's zone) laid on each day of the range,
 * as real elapsed time (a slot across the autumn DST change lasts an hour longer), minus closure
 * days and minus the teacher's time off (overlaps counted once). Booked: scheduled and completed
 * lessons starting in the range, counted for the teacher who teaches them (a substitute when there
 * is one), whether or not they lie inside the weekly hours. `utilisation` = booked / available
 * (3 decimals; null when nothing was available).
 */
const periods = {
  week: { start: `date_trunc('week', DAY::timestamp)`, label: `to_char(x.period, 'YYYY-MM-DD')` },
  month: { start: `date_trunc('month', DAY::timestamp)`, label: `to_char(x.period, 'YYYY-MM')` },
} as const;

const minutes = ['availableMinutes', 'bookedMinutes'] as const;

export const utilisationReport: ReportDefinition = {
  name: 'utilisation',
  groupings: ['week', 'month'],
  teacherScoped: true,
  async run(sql, params) {
    const period = periods[params.groupBy as keyof typeof periods];
    const rows = await sql.query<ReportRow>(
      `WITH b AS (${RANGE_BOUNDS}),
       days AS (
         SELECT d::date AS day, d::timestamp AT TIME ZONE $1 AS lo, (d + interval '1 day')::timestamp AT TIME ZONE $1 AS hi
           FROM generate_series($2::date, $3::date, interval '1 day') AS d
          WHERE NOT EXISTS (SELECT 1 FROM closures c WHERE d::date BETWEEN c.starts_on AND c.ends_on)
       ),
       slots AS (
         SELECT a.teacher_id, days.day, days.lo, days.hi, a.start_time, a.end_time,
                -- Local length, except on a day the clocks change (not 24 h long): elapsed time then.
                CASE WHEN days.hi - days.lo = interval '24 hours' THEN extract(epoch FROM a.end_time - a.start_time)
                     ELSE extract(epoch FROM ((days.day + a.end_time) AT TIME ZONE $1) - ((days.day + a.start_time) AT TIME ZONE $1)) END / 60 AS minutes
           FROM teacher_availability a JOIN days ON extract(isodow FROM days.day) = a.weekday
          WHERE true ${teacherScope(params, 'a.teacher_id = $4::int')}
       ),
       off AS (
         SELECT s.teacher_id, s.day, range_agg(tstzrange((s.day + s.start_time) AT TIME ZONE $1, (s.day + s.end_time) AT TIME ZONE $1) * tstzrange(o.starts_at, o.ends_at)) AS parts
           FROM slots s JOIN teacher_time_off o ON o.teacher_id = s.teacher_id AND o.starts_at < s.hi AND o.ends_at > s.lo
          GROUP BY s.teacher_id, s.day, s.start_time
       ),
       x AS (
         SELECT teacher_id, ${period.start.replace('DAY', 'day')} AS period, sum(minutes) AS available, 0 AS booked
           FROM slots GROUP BY 1, 2
         UNION ALL
         SELECT teacher_id, ${period.start.replace('DAY', 'day')}, -sum((SELECT coalesce(sum(extract(epoch FROM upper(p) - lower(p))), 0) FROM unnest(parts) AS p)) / 60, 0
           FROM off GROUP BY 1, 2
         UNION ALL
         SELECT coalesce(l.substitute_teacher_id, l.teacher_id), ${period.start.replace('DAY', '(l.scheduled_at AT TIME ZONE $1)')}, 0, sum(l.duration_minutes)
           FROM lessons l CROSS JOIN b
          WHERE l.status IN ('scheduled', 'completed') AND l.scheduled_at >= b.lo AND l.scheduled_at < b.hi
                ${teacherScope(params, '(l.teacher_id = $4::int OR l.substitute_teacher_id = $4::int) AND coalesce(l.substitute_teacher_id, l.teacher_id) = $4::int')}
          GROUP BY 1, 2
       ),
       totals AS (SELECT teacher_id, period, sum(available) AS available, sum(booked) AS booked FROM x GROUP BY 1, 2)
       SELECT x.teacher_id AS "teacherId", u.first_name || ' ' || u.last_name AS "teacherName", ${period.label} AS period,
              round(x.available)::int AS "availableMinutes", x.booked::int AS "bookedMinutes",
              CASE WHEN x.available > 0 THEN round(x.booked / x.available, 3)::float8 END AS utilisation
         FROM totals x JOIN teachers t ON t.id = x.teacher_id JOIN users u ON u.id = t.user_id
        ORDER BY 2, 1, x.period`,
      sqlParams(params),
    );
    return { columns: ['teacherId', 'teacherName', 'period', ...minutes, 'utilisation'], rows, totals: sumColumns(rows, minutes) };
  },
};
