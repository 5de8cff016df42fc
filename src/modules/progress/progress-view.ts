import { DateTime } from 'luxon';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { validationFailed } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import type { Caller } from '../auth/scoped.js';
import { scoped } from '../lessons/db.js';
import { requireProgressAccess, schoolDay, type ProgressDeps } from './access.js';
import { studentProgressSummary } from './summary.js';
import { DEFAULT_TIMELINE_DAYS, MAX_TIMELINE_DAYS, type ProgressAnswer, type TimelineQuery } from './timeline-schemas.js';
import { studentTimeline, type ProgressPeriod } from './timeline.js';

const plusDays = (date: string, days: number): string => DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
const daysBetween = (from: string, to: string): number => Math.round(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days);

/** The period a query asks for: `to` defaults to today, `from` to 90 days before it; 400 naming the field when reversed or too long. */
export function periodOf(query: Pick<TimelineQuery, 'from' | 'to'>, today: string, zone: string): ProgressPeriod {
  const to = query.to ?? (query.from !== undefined && query.from > today ? plusDays(query.from, DEFAULT_TIMELINE_DAYS) : today);
  const from = query.from ?? plusDays(to, -DEFAULT_TIMELINE_DAYS);
  if (from > to) throw validationFailed([{ field: 'querystring.to', message: `must be on or after from (${from})` }]);
  if (daysBetween(from, to) > MAX_TIMELINE_DAYS) throw validationFailed([{ field: 'querystring.to', message: `must be at most ${MAX_TIMELINE_DAYS} days after from (${from})` }]);
  return { from, to, zone };
}

/**
 * GET /students/{id}/progress: the timeline page and the summary of the period, as the caller
 * (row-level security): admins everything, teachers the student's progress records and their own
 * lessons with the student (private notes included), parents their child's (without private notes).
 */
export async function studentProgress(deps: ProgressDeps, caller: Caller, studentId: number, query: TimelineQuery): Promise<ProgressAnswer> {
  const { zone, today } = await schoolDay(deps);
  const period = periodOf(query, today, zone);
  return scoped(deps.db, caller, async (orm) => {
    const sql = sqlExecutorOf(orm);
    await requireProgressAccess(sql, studentId, 'read');
    const audience = caller.role === 'parent' ? 'family' : 'staff';
    const timeline = await studentTimeline(sql, studentId, period, { audience, limit: query.pageSize, offset: offsetOf(query) });
    const summary = await studentProgressSummary(sql, studentId, period);
    return { studentId, from: period.from, to: period.to, timezone: zone, summary, data: timeline.entries, page: query.page, pageSize: query.pageSize, total: timeline.total };
  });
}
