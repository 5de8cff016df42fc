/**
 * Compiles one student's period for a progress report: the progress summary (attendance, goals,
 * pieces, latest assessment), the lesson notes shared with the family (the timeline read as the
 * family sees it: never the private notes), goals, pieces and assessments, the period before's
 * attendance and the family's overdue payments, and the office's flags. Background work: plain SQL
 * as the workflow (no caller).
 */
import { DateTime } from 'luxon';
import type { SqlExecutor } from '../../db/sql-client.js';
import { PermanentError } from '../../engine/index.js';
import { studentProgressSummary, studentTimeline, type TimelineEntry } from '../progress/index.js';
import { attentionFlags } from './flags.js';
import type { ProgressReportInput, ReportPeriod } from './types.js';

/** Timeline entries read for one period (a report of a semester of weekly lessons holds far fewer). */
const MAX_ENTRIES = 1_000;

/** The period just before `period`: the calendar month before a whole month, else as many days before. */
export function previousPeriod(period: Pick<ReportPeriod, 'from' | 'to'>): { from: string; to: string } {
  const from = DateTime.fromISO(period.from);
  const to = DateTime.fromISO(period.to);
  if (from.day === 1 && to.hasSame(from, 'month') && to.day === to.daysInMonth) {
    const before = from.minus({ months: 1 });
    return { from: before.toISODate() as string, to: before.endOf('month').toISODate() as string };
  }
  const days = Math.round(to.diff(from, 'days').days) + 1;
  return { from: from.minus({ days }).toISODate() as string, to: from.minus({ days: 1 }).toISODate() as string };
}

type LessonEntry = Extract<TimelineEntry, { kind: 'lesson' }>;
type GoalEntry = Extract<TimelineEntry, { goalId: number }>;
type AssessmentEntry = Extract<TimelineEntry, { kind: 'assessment' }>;

export async function compileReport(sql: SqlExecutor, studentId: number, period: ReportPeriod, zone: string): Promise<ProgressReportInput> {
  const [who] = await sql.query<{ student: ProgressReportInput['student']; parent: ProgressReportInput['parent'] }>(
    `SELECT jsonb_build_object('id', s.id, 'firstName', s.first_name, 'lastName', s.last_name, 'instrument', s.instrument) AS student,
            jsonb_build_object('id', u.id, 'firstName', u.first_name, 'lastName', u.last_name) AS parent
       FROM students s JOIN users u ON u.id = s.parent_id WHERE s.id = $1`,
    [studentId],
  );
  if (!who) throw new PermanentError(`student ${studentId} does not exist`);
  const range = { from: period.from, to: period.to, zone };
  const summary = await studentProgressSummary(sql, studentId, range);
  const before = await studentProgressSummary(sql, studentId, { ...previousPeriod(period), zone });
  const { entries } = await studentTimeline(sql, studentId, range, { audience: 'family', limit: MAX_ENTRIES, offset: 0 });

  const completed = entries.filter((e): e is LessonEntry => e.kind === 'lesson' && e.status === 'completed');
  const noted = completed.filter((e) => (e.notes ?? '').trim() !== '');
  const [extra] = await sql.query<{ active: string[]; pieces: ProgressReportInput['pieces']; overdue: { count: number; cents: number } }>(
    `SELECT
       (SELECT coalesce(jsonb_agg(title ORDER BY id), '[]') FROM (SELECT id, title FROM student_goals WHERE student_id = $1 AND status = 'active' ORDER BY id LIMIT 10) g) AS active,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('title', title, 'composer', composer, 'status', status) ORDER BY id), '[]') FROM (
          SELECT id, title, composer, status FROM student_pieces
           WHERE student_id = $1 AND (status <> 'performed' OR performed_on BETWEEN $2::date AND $3::date) ORDER BY id LIMIT 15) p) AS pieces,
       (SELECT jsonb_build_object('count', count(*), 'cents', coalesce(sum(p.amount_cents), 0)) FROM payments p
          JOIN students s ON s.parent_id = p.parent_id
         WHERE s.id = $1 AND p.status = 'failed' AND p.settled_by_payment_id IS NULL) AS overdue`,
    [studentId, period.from, period.to],
  );
  const office = { previousAttendanceRate: before.attendanceRate, overduePayments: extra!.overdue, lessonsWithNotes: noted.length };
  return {
    student: who.student,
    parent: who.parent,
    period,
    summary,
    notes: noted.map((e) => ({ date: e.at.slice(0, 10), text: (e.notes ?? '').trim() })),
    goals: { achieved: entries.filter((e): e is GoalEntry => e.kind === 'goal_achieved').map((e) => e.title), active: extra!.active },
    pieces: extra!.pieces,
    assessments: entries
      .filter((e): e is AssessmentEntry => e.kind === 'assessment')
      .map((e) => ({ date: e.date, examBody: e.examBody, level: e.level, result: e.result, mark: e.mark })),
    office,
    flags: attentionFlags(summary, office),
  };
}
