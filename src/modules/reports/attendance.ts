import { RANGE_BOUNDS, sqlParams, sumColumns, type ReportDefinition, type ReportRow } from './types.js';

/**
 * attendance (admin; a teacher their own): the lessons that started in the range, per teacher or
 * per student. A lesson belongs to the teacher who teaches it: its substitute when it has one, else
 * its own teacher. attended: completed as present or late; absent: completed as absent (no-show);
 * excused: completed as excused; cancelled by family / school / teacher: by the role of who cancelled
 * it (a parent; an admin or the school's own workflows; a teacher); unrecorded: past lessons still
 * scheduled (attendance never taken). The old place of a rescheduled lesson is not counted.
 */
const groupings = {
  teacher: {
    select: `t.id AS "teacherId", tu.first_name || ' ' || tu.last_name AS "teacherName"`,
    join: 'JOIN teachers t ON t.id = coalesce(l.substitute_teacher_id, l.teacher_id) JOIN users tu ON tu.id = t.user_id',
    by: '1, 2',
    order: '2, 1',
    keys: ['teacherId', 'teacherName'],
  },
  student: {
    select: `s.id AS "studentId", s.first_name || ' ' || s.last_name AS "studentName"`,
    join: 'JOIN students s ON s.id = l.student_id',
    by: '1, 2',
    order: '2, 1',
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
      `WITH b AS (${RANGE_BOUNDS})
       SELECT ${g.select},
              count(*)::int AS lessons,
              count(*) FILTER (WHERE l.status = 'completed' AND l.attendance IN ('present', 'late'))::int AS attended,
              count(*) FILTER (WHERE l.status = 'completed' AND l.attendance = 'absent')::int AS absent,
              count(*) FILTER (WHERE l.status = 'completed' AND l.attendance = 'excused')::int AS excused,
              count(*) FILTER (WHERE l.status = 'cancelled' AND cu.role = 'parent')::int AS "cancelledByFamily",
              count(*) FILTER (WHERE l.status = 'cancelled' AND (cu.role IS NULL OR cu.role = 'admin'))::int AS "cancelledBySchool",
              count(*) FILTER (WHERE l.status = 'cancelled' AND cu.role = 'teacher')::int AS "cancelledByTeacher",
              count(*) FILTER (WHERE l.status = 'scheduled' AND l.ends_at < now())::int AS unrecorded
         FROM lessons l CROSS JOIN b
         ${g.join}
         LEFT JOIN users cu ON cu.id = l.cancelled_by
        WHERE l.scheduled_at >= b.lo AND l.scheduled_at < b.hi AND l.status <> 'rescheduled'
          AND ($4::int IS NULL OR coalesce(l.substitute_teacher_id, l.teacher_id) = $4::int)
        GROUP BY ${g.by} ORDER BY ${g.order}`,
      sqlParams(params),
    );
    return { columns: [...g.keys, ...counts], rows, totals: sumColumns(rows, counts) };
  },
};
