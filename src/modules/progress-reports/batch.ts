/**
 * The batch runs that start one `progress-report` run per student and period:
 * - `progress-reports`: the office's request (POST /api/v1/ai/progress-reports: given students or
 *   all, a period), and the monthly cron (06:00 on the 1st, school zone: the month before);
 * - `progress-reports-semester`: a daily cron (06:30) that acts the day after a semester's last
 *   day (semesters table): that semester.
 * Each student's run has the idempotency key `progress-report:<student>:<from>:<to>`, so asking
 * again for a period drafts nothing twice. "All" means the active students with at least one lesson
 * in the period (nothing to report otherwise).
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { SqlExecutor } from '../../db/sql-client.js';
import { defineNode, defineWorkflow, type TaskContext } from '../../engine/index.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import type { ReportCadence, ReportPeriod } from './types.js';
import { PROGRESS_REPORT_WORKFLOW, progressReportKey, type ProgressReportEvent } from './workflow.js';

export const PROGRESS_REPORTS_WORKFLOW = 'progress-reports';
export const SEMESTER_REPORTS_WORKFLOW = 'progress-reports-semester';
/** Monthly reports (cron, school's zone): 06:00 on the 1st, for the month before. */
export const PROGRESS_REPORTS_CRON = '0 6 1 * *';
/** End-of-semester check (cron, school's zone): every day at 06:30, reporting semesters that ended the day before. */
export const SEMESTER_REPORTS_CRON = '30 6 * * *';

const localDate = z.iso.date();
export const progressReportsEvent = z.object({
  /** Given students; absent → all (active, with a lesson in the period). */
  studentIds: z.array(z.number().int().positive()).optional(),
  /** Absent (a cron firing) → the month before the firing day. */
  period: z.object({ from: localDate, to: localDate }).optional(),
  firedAt: z.string().optional(),
});
type BatchEvent = z.infer<typeof progressReportsEvent>;
type PlannedPeriod = ReportPeriod & { cadence: ReportCadence };

/** "November 2026" for a whole calendar month, else "2026-11-03 to 2026-11-20". */
export function periodLabel(from: string, to: string): string {
  const start = DateTime.fromISO(from);
  const end = DateTime.fromISO(to);
  const wholeMonth = start.day === 1 && end.hasSame(start, 'month') && end.day === end.daysInMonth;
  return wholeMonth ? start.setLocale('en').toFormat('LLLL yyyy') : `${from} to ${to}`;
}

async function studentsWithLessons(sql: SqlExecutor, period: ReportPeriod, zone: string): Promise<number[]> {
  const rows = await sql.query<{ id: number }>(
    `SELECT s.id FROM students s WHERE s.is_active AND EXISTS (
       SELECT 1 FROM lessons l WHERE l.student_id = s.id AND l.status <> 'rescheduled'
          AND l.scheduled_at >= ($1::date)::timestamp AT TIME ZONE $3 AND l.scheduled_at < ($2::date + 1)::timestamp AT TIME ZONE $3)
     ORDER BY s.id`,
    [period.from, period.to, zone],
  );
  return rows.map((r) => r.id);
}

const firingDay = (event: BatchEvent, zone: string): DateTime => DateTime.fromMillis(event.firedAt ? Date.parse(event.firedAt) : Date.now(), { zone }).startOf('day');

function batchWorkflow(services: SchoolServices, spec: { name: string; description: string; periods(event: BatchEvent, zone: string): Promise<PlannedPeriod[]> }) {
  const plan = defineNode({
    id: 'plan',
    description: 'Which periods and which students: given, or every active student with a lesson in the period',
    retry: { maxAttempts: 3, initialDelayMs: 1_000 },
    process: async (ctx: TaskContext<BatchEvent>) => {
      const { timezone } = await schoolSettings(services.db, services.config).get();
      const periods = await spec.periods(ctx.event, timezone);
      const planned: ProgressReportEvent[] = [];
      for (const { cadence, ...period } of periods) {
        const students = ctx.event.studentIds ?? (await studentsWithLessons(services.db.sql, period, timezone));
        for (const studentId of students) planned.push({ studentId, period, cadence });
      }
      return { reports: planned };
    },
  });

  const start = defineNode({
    id: 'start-reports',
    description: 'Starts one progress-report run per student and period (idempotent: a period is never drafted twice)',
    retry: { maxAttempts: 5, initialDelayMs: 500 },
    process: async (ctx: TaskContext<BatchEvent>) => {
      const planned = ctx.output(plan)?.reports ?? [];
      const started: Array<{ studentId: number; from: string; to: string; runId: string; created: boolean }> = [];
      for (const event of planned) {
        const { runId, created } = await services.workflows.start(PROGRESS_REPORT_WORKFLOW, event, { idempotencyKey: progressReportKey(event) });
        started.push({ studentId: event.studentId, from: event.period.from, to: event.period.to, runId, created });
      }
      return { started };
    },
  });

  return defineWorkflow({
    name: spec.name,
    description: spec.description,
    event: progressReportsEvent,
    start: 'plan',
    nodes: [{ node: plan, connections: ['start-reports'] }, { node: start }],
  });
}

/** The office's and the monthly runs. */
export function progressReportsWorkflow(services: SchoolServices) {
  return batchWorkflow(services, {
    name: PROGRESS_REPORTS_WORKFLOW,
    description: 'Starts the progress reports of a period (the office’s request, or the month before on the 1st)',
    periods: async (event, zone) => {
      if (event.period) return [{ ...event.period, label: periodLabel(event.period.from, event.period.to), cadence: 'office' }];
      const month = firingDay(event, zone).minus({ months: 1 });
      const from = month.startOf('month').toISODate() as string;
      const to = month.endOf('month').toISODate() as string;
      return [{ from, to, label: periodLabel(from, to), cadence: 'monthly' }];
    },
  });
}

/** The end-of-semester runs (semesters whose last day was the day before the firing). */
export function semesterReportsWorkflow(services: SchoolServices) {
  return batchWorkflow(services, {
    name: SEMESTER_REPORTS_WORKFLOW,
    description: 'Starts the progress reports of a semester the day after it ends',
    periods: async (event, zone) => {
      const yesterday = firingDay(event, zone).minus({ days: 1 }).toISODate() as string;
      const rows = await services.db.sql.query<{ from: string; to: string; label: string }>(
        `SELECT s.starts_on::text AS "from", s.ends_on::text AS "to", s.name || ' ' || y.name AS label
           FROM semesters s JOIN academic_years y ON y.id = s.academic_year_id WHERE s.ends_on = $1::date ORDER BY s.id`,
        [yesterday],
      );
      return rows.map((r) => ({ ...r, label: r.label.slice(0, 120), cadence: 'semester' as const }));
    },
  });
}
