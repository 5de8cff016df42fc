import type { SqlExecutor } from '../../db/sql-client.js';
import type { ProgressSummary } from './timeline-schemas.js';
import type { ProgressPeriod } from './timeline.js';

const SUMMARY = `
  WITH bounds AS (SELECT ($2::date)::timestamp AT TIME ZONE $4 AS starts, ($3::date + 1)::timestamp AT TIME ZONE $4 AS ends),
  period_lessons AS (
    SELECT l.status, l.attendance FROM lessons l, bounds b
     WHERE l.student_id = $1 AND l.status <> 'rescheduled' AND l.scheduled_at >= b.starts AND l.scheduled_at < b.ends
  )
  SELECT
    (SELECT jsonb_build_object(
       'scheduled', count(*) FILTER (WHERE status = 'scheduled'), 'completed', count(*) FILTER (WHERE status = 'completed'),
       'cancelled', count(*) FILTER (WHERE status = 'cancelled'),
       'present', count(*) FILTER (WHERE status = 'completed' AND attendance = 'present'), 'late', count(*) FILTER (WHERE status = 'completed' AND attendance = 'late'),
       'absent', count(*) FILTER (WHERE status = 'completed' AND attendance = 'absent'), 'excused', count(*) FILTER (WHERE status = 'completed' AND attendance = 'excused'))
     FROM period_lessons) AS lessons,
    (SELECT count(*)::int FROM student_goals WHERE student_id = $1 AND status = 'active') AS "activeGoals",
    (SELECT count(*)::int FROM student_goals WHERE student_id = $1 AND achieved_on BETWEEN $2::date AND $3::date) AS "goalsAchieved",
    (SELECT jsonb_build_object('learning', count(*) FILTER (WHERE status = 'learning'), 'polishing', count(*) FILTER (WHERE status = 'polishing'),
       'performed', count(*) FILTER (WHERE status = 'performed'))
     FROM student_pieces WHERE student_id = $1) AS pieces,
    (SELECT to_jsonb(a) FROM (
       SELECT id, exam_body AS "examBody", level, assessed_on::text AS "assessedOn", result, mark FROM student_assessments
        WHERE student_id = $1 AND assessed_on <= $3::date ORDER BY assessed_on DESC, id DESC LIMIT 1) a) AS "latestAssessment"`;

interface SummaryRow {
  lessons: Record<'scheduled' | 'completed' | 'cancelled' | 'present' | 'late' | 'absent' | 'excused', number>;
  activeGoals: number;
  goalsAchieved: number;
  pieces: ProgressSummary['piecesByStatus'];
  latestAssessment: ProgressSummary['latestAssessment'];
}

/**
 * The progress summary of student `studentId` over `period`, in one statement: lessons by status
 * and attendance with the attendance rate, goals active now and achieved in the period, the
 * repertoire by status, the latest assessment up to the period's end. Reusable from workflows
 * (the AI progress report): pass the owner's executor there, the caller's transaction in a route.
 */
export async function studentProgressSummary(sql: SqlExecutor, studentId: number, period: ProgressPeriod): Promise<ProgressSummary> {
  const [row] = await sql.query<SummaryRow>(SUMMARY, [studentId, period.from, period.to, period.zone]);
  const { lessons, activeGoals, goalsAchieved, pieces, latestAssessment } = row!;
  const attended = lessons.present + lessons.late;
  const counted = attended + lessons.absent;
  return {
    lessons: { scheduled: lessons.scheduled, completed: lessons.completed, cancelled: lessons.cancelled },
    attendance: { present: lessons.present, late: lessons.late, absent: lessons.absent, excused: lessons.excused },
    attendanceRate: counted === 0 ? null : Math.round((attended / counted) * 1000) / 1000,
    activeGoals,
    goalsAchieved,
    piecesByStatus: pieces,
    latestAssessment,
  };
}
