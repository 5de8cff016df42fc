import { RANGE_BOUNDS, sqlParams, sumColumns, type ReportDefinition, type ReportRow } from './types.js';

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
  week: `to_char(date_trunc('week', x.day::timestamp), 'YYYY-MM-DD')`,
  month: `to_char(x.day, 'YYYY-MM')`,
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
         SELECT d::date AS day FROM generate_series($2::date, $3::date, interval '1 day') AS d
          WHERE NOT EXISTS (SELECT 1 FROM closures c WHERE d::date BETWEEN c.starts_on AND c.ends_on)
       ),
       slots AS (
         SELECT a.teacher_id, days.day, tstzrange((days.day + a.start_time) AT TIME ZONE $1, (days.day + a.end_time) AT TIME ZONE $1) AS r
           FROM teacher_availability a JOIN days ON extract(isodow FROM days.day) = a.weekday
          WHERE $4::int IS NULL OR a.teacher_id = $4::int
       ),
       available AS (
         SELECT s.teacher_id, s.day,
                (SELECT coalesce(sum(extract(epoch FROM upper(part) - lower(part))), 0)
                   FROM unnest(tstzmultirange(s.r) - coalesce(
                     (SELECT range_agg(tstzrange(o.starts_at, o.ends_at)) FROM teacher_time_off o
                       WHERE o.teacher_id = s.teacher_id AND o.starts_at < upper(s.r) AND o.ends_at > lower(s.r)),
                     '{}'::tstzmultirange)) AS part) / 60 AS available, 0 AS booked
           FROM slots s
       ),
       booked AS (
         SELECT coalesce(l.substitute_teacher_id, l.teacher_id) AS teacher_id, (l.scheduled_at AT TIME ZONE $1)::date AS day, 0 AS available, l.duration_minutes AS booked
           FROM lessons l CROSS JOIN b
          WHERE l.status IN ('scheduled', 'completed') AND l.scheduled_at >= b.lo AND l.scheduled_at < b.hi
            AND ($4::int IS NULL OR coalesce(l.substitute_teacher_id, l.teacher_id) = $4::int)
       ),
       x AS (SELECT * FROM available UNION ALL SELECT * FROM booked)
       SELECT x.teacher_id AS "teacherId", u.first_name || ' ' || u.last_name AS "teacherName", ${period} AS period,
              round(sum(x.available))::int AS "availableMinutes", sum(x.booked)::int AS "bookedMinutes",
              CASE WHEN sum(x.available) > 0 THEN round(sum(x.booked) / sum(x.available), 3)::float8 END AS utilisation
         FROM x JOIN teachers t ON t.id = x.teacher_id JOIN users u ON u.id = t.user_id
        GROUP BY 1, 2, 3 ORDER BY 2, 1, 3`,
      sqlParams(params),
    );
    return { columns: ['teacherId', 'teacherName', 'period', ...minutes, 'utilisation'], rows, totals: sumColumns(rows, minutes) };
  },
};
