import type { SqlExecutor } from '../../db/sql-client.js';
import { isoInZone } from '../scheduling/local-time.js';
import type { AffectedLessonView, LessonOutcome } from './schemas.js';

/** A scheduled lesson inside a closure or time off, with what the actions and notices need. */
export interface AffectedLesson {
  id: number;
  studentId: number;
  studentName: string;
  /** The student's instrument (a substitute must teach it). */
  instrument: string;
  parentId: number;
  teacherId: number;
  teacherName: string;
  /** Epoch ms. */
  start: number;
  end: number;
  durationMinutes: number;
  substituteTeacherId: number | null;
}

/**
 * The scheduled lessons overlapping [from, to) (epoch ms), of teacher `teacherId` or of every
 * teacher, earliest first. Read as the database owner: the caller is checked before (an admin, or
 * the teacher whose lessons these are).
 */
export async function findAffectedLessons(sql: SqlExecutor, range: { from: number; to: number; teacherId?: number }): Promise<AffectedLesson[]> {
  return sql.query<AffectedLesson>(
    `SELECT l.id, l.student_id AS "studentId", btrim(s.first_name || ' ' || s.last_name) AS "studentName", s.instrument, s.parent_id AS "parentId",
            l.teacher_id AS "teacherId", btrim(u.first_name || ' ' || u.last_name) AS "teacherName",
            (extract(epoch FROM l.scheduled_at) * 1000)::float8 AS start, (extract(epoch FROM l.ends_at) * 1000)::float8 AS "end",
            l.duration_minutes AS "durationMinutes", l.substitute_teacher_id AS "substituteTeacherId"
     FROM lessons l JOIN students s ON s.id = l.student_id JOIN teachers t ON t.id = l.teacher_id JOIN users u ON u.id = t.user_id
     WHERE l.status = 'scheduled' AND l.scheduled_at < $2 AND l.ends_at > $1 AND ($3::int IS NULL OR l.teacher_id = $3)
     ORDER BY l.scheduled_at, l.id`,
    [new Date(range.from).toISOString(), new Date(range.to).toISOString(), range.teacherId ?? null],
  );
}

/** What happened to one affected lesson. */
export interface Outcome {
  outcome: LessonOutcome;
  makeupCreditId?: number | null;
  substituteTeacherId?: number | null;
}

/** The API view of an affected lesson, times with the school's offset. */
export function toAffectedView(lesson: AffectedLesson, zone: string, done: Outcome = { outcome: 'unchanged' }): AffectedLessonView {
  return {
    id: lesson.id,
    studentId: lesson.studentId,
    studentName: lesson.studentName,
    teacherId: lesson.teacherId,
    teacherName: lesson.teacherName,
    scheduledAt: isoInZone(lesson.start, zone),
    endsAt: isoInZone(lesson.end, zone),
    durationMinutes: lesson.durationMinutes,
    outcome: done.outcome,
    makeupCreditId: done.makeupCreditId ?? null,
    substituteTeacherId: done.substituteTeacherId === undefined ? lesson.substituteTeacherId : done.substituteTeacherId,
  };
}
