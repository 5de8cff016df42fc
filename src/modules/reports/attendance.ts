import { RANGE_BOUNDS, sqlParams, sumColumns, teacherScope, type ReportDefinition, type ReportRow } from './types.js';

/**
 * attendance (admin; a teacher their own): the lessons that started in the range, per teacher or
 * per student. A lesson belongs to the teacher who teaches it: its substitute when it has one, else
 * its own teacher. attended: completed as present or late; absent: completed as absent (no-show);
 * excused: completed as excused; cancelled by family / school / teacher: by the role of who cancelled
 * it (a parent; an admin or the school's own workflows; a teacher); unrecorded: past lessons still
 * scheduled (attendance never taken). The old place of a rescheduled lesson is not counted.
 * Counted per id first, then labelled (a name looked up per grouped row).
 */
const groupings = {
  teacher: {
    key: 'coalesce(l.substitute_teacher_id, l.teacher_id)',
    label: `k.key AS "teacherId", (SELECT u.first_name || ' ' || u.last_name FROM teachers t JOIN users u ON u.id = t.user_id WHERE t.id = k.key) AS "teacherName"`,
    keys: ['teacherId', 'teacherName'],
  },
  student: {
    key: 'l.student_id',
    label: `k.key AS "studentId", (SELECT s.first_name || ' ' || s.last_name FROM students s WHERE s.id = k.key) AS "studentName"`,
    keys: ['studentId', 'studentName'],
  },
} as const;

const counts = ['lessons', 'attended', 'absent', 'excused', 'cancelledByFamily', 'cancelledBySchool', 'cancelledByTeacher', 'unrecorded'] as const;

export const attendanceReport: ReportDefinition = {
  name: 'attendance',
  groupings: ['teacher', 'student'],
  teacherScoped: true,
  async run(sql, params) {
    const g = groupings[params.groupBy as keyof typeof groupings];
    const rows = await sql.query<ReportRow>(
      `WITH b AS (${RANGE_BOUNDS}),
       k AS (
         SELECT ${g.key} AS key,
                count(*) AS lessons,
                count(*) FILTER (WHERE l.status = 'completed' AND l.attendance IN ('present', 'late')) AS attended,
                count(*) FILTER (WHERE l.status = 'completed' AND l.attendance = 'absent') AS absent,
                count(*) FILTER (WHERE l.status = 'completed' AND l.attendance = 'excused') AS excused,
                count(*) FILTER (WHERE l.canceller = 'parent') AS family,
                count(*) FILTER (WHERE l.canceller IN ('admin', 'school')) AS school,
                count(*) FILTER (WHERE l.canceller = 'teacher') AS teacher,
                count(*) FILTER (WHERE l.status = 'scheduled' AND l.ends_at < now()) AS unrecorded
           FROM (SELECT l.*, CASE WHEN l.status = 'cancelled' THEN coalesce(cu.role, 'school') END AS canceller
                   FROM lessons l CROSS JOIN b LEFT JOIN users cu ON cu.id = l.cancelled_by
                  WHERE l.scheduled_at >= b.lo AND l.scheduled_at < b.hi AND l.status <> 'rescheduled'
                    ${teacherScope(params, '(l.teacher_id = $4::int OR l.substitute_teacher_id = $4::int) AND coalesce(l.substitute_teacher_id, l.teacher_id) = $4::int')}) l
          GROUP BY 1
       )
       SELECT ${g.label}, k.lessons::int, k.attended::int, k.absent::int, k.excused::int,
              k.family::int AS "cancelledByFamily", k.school::int AS "cancelledBySchool", k.teacher::int AS "cancelledByTeacher", k.unrecorded::int
         FROM k
        ORDER BY 2, 1`,
      sqlParams(params),
    );
    return { columns: [...g.keys, ...counts], rows, totals: sumColumns(rows, counts) };
  },
};
