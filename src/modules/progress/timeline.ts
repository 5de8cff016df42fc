import type { SqlExecutor } from '../../db/sql-client.js';
import { isoInZone } from '../scheduling/local-time.js';
import type { TimelineEntry } from './timeline-schemas.js';

/** A range of local days, both included ('YYYY-MM-DD'), read in `zone` (IANA, the school's). */
export interface ProgressPeriod {
  from: string;
  to: string;
  zone: string;
}

/**
 * Who reads: `staff` (admins, teachers) get the lessons' `privateNotes`; `family` (parents, and the
 * AI progress report meant for families) never do.
 */
export type ProgressAudience = 'staff' | 'family';

/** One entry of the page, or (kind null) the single row of a page past the end, which still carries the total. */
interface EventRow {
  at: Date | string | null;
  kind: TimelineEntry['kind'] | null;
  detail: Record<string, unknown> | null;
  total: number;
}

/**
 * Every dated event of the period as one statement: lessons (not the moved-away rows of a
 * reschedule) at their start, and the progress records at the start of their local day (`date`).
 */
const EVENTS = `
  WITH bounds AS (SELECT ($2::date)::timestamp AT TIME ZONE $4 AS starts, ($3::date + 1)::timestamp AT TIME ZONE $4 AS ends),
  events AS (
    SELECT l.scheduled_at AS at, 'lesson' AS kind, l.id AS ref,
           jsonb_build_object('lessonId', l.id, 'teacherId', l.teacher_id, 'substituteTeacherId', l.substitute_teacher_id,
             'status', l.status, 'attendance', l.attendance, 'lessonType', l.lesson_type, 'durationMinutes', l.duration_minutes,
             'notes', l.notes) || CASE WHEN $5::boolean THEN jsonb_build_object('privateNotes', l.private_notes) ELSE '{}'::jsonb END AS detail
      FROM lessons l, bounds b
     WHERE l.student_id = $1 AND l.status <> 'rescheduled' AND l.scheduled_at >= b.starts AND l.scheduled_at < b.ends
    UNION ALL
    SELECT g.set_on::timestamp AT TIME ZONE $4, 'goal_set', g.id,
           jsonb_build_object('date', g.set_on::text, 'goalId', g.id, 'title', g.title, 'targetDate', g.target_date::text, 'status', g.status)
      FROM student_goals g WHERE g.student_id = $1 AND g.set_on BETWEEN $2::date AND $3::date
    UNION ALL
    SELECT g.achieved_on::timestamp AT TIME ZONE $4, 'goal_achieved', g.id,
           jsonb_build_object('date', g.achieved_on::text, 'goalId', g.id, 'title', g.title, 'targetDate', g.target_date::text, 'status', g.status)
      FROM student_goals g WHERE g.student_id = $1 AND g.achieved_on BETWEEN $2::date AND $3::date
    UNION ALL
    SELECT p.started_on::timestamp AT TIME ZONE $4, 'piece_started', p.id,
           jsonb_build_object('date', p.started_on::text, 'pieceId', p.id, 'title', p.title, 'composer', p.composer, 'status', p.status, 'performedWhere', p.performed_where)
      FROM student_pieces p WHERE p.student_id = $1 AND p.started_on BETWEEN $2::date AND $3::date
    UNION ALL
    SELECT p.performed_on::timestamp AT TIME ZONE $4, 'piece_performed', p.id,
           jsonb_build_object('date', p.performed_on::text, 'pieceId', p.id, 'title', p.title, 'composer', p.composer, 'status', p.status, 'performedWhere', p.performed_where)
      FROM student_pieces p WHERE p.student_id = $1 AND p.performed_on BETWEEN $2::date AND $3::date
    UNION ALL
    SELECT a.assessed_on::timestamp AT TIME ZONE $4, 'assessment', a.id,
           jsonb_build_object('date', a.assessed_on::text, 'assessmentId', a.id, 'examBody', a.exam_body, 'level', a.level, 'result', a.result, 'mark', a.mark)
      FROM student_assessments a WHERE a.student_id = $1 AND a.assessed_on BETWEEN $2::date AND $3::date
  )
  SELECT e.at, e.kind, e.detail, n.total
    FROM (SELECT count(*)::int AS total FROM events) n
    LEFT JOIN LATERAL (SELECT at, kind, ref, detail FROM events ORDER BY at, kind, ref LIMIT $6 OFFSET $7) e ON true
   ORDER BY e.at, e.kind, e.ref`;

/**
 * Student `studentId`'s timeline for `period`, oldest first (ties: by kind, then record id), one
 * page: `limit` entries after `offset`. One statement. Run it with the executor of the caller's
 * transaction (row-level security then decides which lessons and records a teacher or parent
 * sees) or, in a workflow, with the owner's (everything). `at` carries the school's UTC offset.
 */
export async function studentTimeline(
  sql: SqlExecutor,
  studentId: number,
  period: ProgressPeriod,
  options: { audience: ProgressAudience; limit: number; offset: number },
): Promise<{ entries: TimelineEntry[]; total: number }> {
  const rows = await sql.query<EventRow>(EVENTS, [studentId, period.from, period.to, period.zone, options.audience === 'staff', options.limit, options.offset]);
  const entries = rows
    .filter((row) => row.kind !== null)
    .map((row) => ({ at: isoInZone(new Date(row.at!).getTime(), period.zone), kind: row.kind, ...row.detail }) as TimelineEntry);
  return { entries, total: rows[0]?.total ?? 0 };
}
