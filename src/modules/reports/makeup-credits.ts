import { RANGE_BOUNDS, sqlParams, sumColumns, teacherScope, type ReportDefinition, type ReportRow } from './types.js';

/**
 * makeup-credits (admin; a teacher their own): the make-up credits granted in the range, per
 * teacher (the teacher of the lesson that gave the credit, else the student's teacher) or per
 * student, by their state at the end of `to`: used (a make-up lesson took it), expired (unused and
 * its last day, `expires_on`, before `to`), open (the rest).
 */
const groupings = {
  teacher: {
    select: `t.id AS "teacherId", CASE WHEN t.id IS NULL THEN NULL ELSE tu.first_name || ' ' || tu.last_name END AS "teacherName"`,
    keys: ['teacherId', 'teacherName'],
  },
  student: { select: `s.id AS "studentId", s.first_name || ' ' || s.last_name AS "studentName"`, keys: ['studentId', 'studentName'] },
} as const;

const counts = ['granted', 'open', 'used', 'expired'] as const;

export const makeupCreditsReport: ReportDefinition = {
  name: 'makeup-credits',
  groupings: ['teacher', 'student'],
  teacherScoped: true,
  async run(sql, params) {
    const g = groupings[params.groupBy as keyof typeof groupings];
    const rows = await sql.query<ReportRow>(
      `WITH b AS (${RANGE_BOUNDS})
       SELECT ${g.select},
              count(*)::int AS granted,
              count(*) FILTER (WHERE c.used_lesson_id IS NULL AND (c.expires_on IS NULL OR c.expires_on >= $3::date))::int AS open,
              count(*) FILTER (WHERE c.used_lesson_id IS NOT NULL)::int AS used,
              count(*) FILTER (WHERE c.used_lesson_id IS NULL AND c.expires_on < $3::date)::int AS expired
         FROM makeup_credits c CROSS JOIN b
         JOIN students s ON s.id = c.student_id
         LEFT JOIN lessons l ON l.id = c.source_lesson_id
         LEFT JOIN teachers t ON t.id = coalesce(l.teacher_id, s.teacher_id)
         LEFT JOIN users tu ON tu.id = t.user_id
        WHERE c.granted_at >= b.lo AND c.granted_at < b.hi
          ${teacherScope(params, 't.id = $4::int')}
        GROUP BY 1, 2 ORDER BY 2 NULLS LAST, 1`,
      sqlParams(params),
    );
    return { columns: [...g.keys, ...counts], rows, totals: sumColumns(rows, counts) };
  },
};
