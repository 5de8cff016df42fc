import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/scoped.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { students } from '../../db/schema/students.js';
import { notFound } from '../../http/errors.js';
import { nextFreeSlots } from '../scheduling/availability.js';
import { checkProposal, type Conflict } from '../scheduling/conflicts.js';
import type { SchedulingRules, Slot } from '../scheduling/types.js';
import { loadSchedulingData, type SchedulingData } from './context.js';
import { scoped, teacherIdOf } from './db.js';
import { badField, rulesOf, settingsOf, type LessonDeps } from './deps.js';
import type { CheckConflictsBody } from './schemas.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How many alternatives a 409 offers, and how far ahead they are searched. */
export const ALTERNATIVES = { count: 5, horizonDays: 28 };

/** A proposed lesson checked against loaded data; `in_past` and every other rule included. */
export function conflictsIn(
  data: SchedulingData,
  rules: SchedulingRules,
  p: { teacherId: number; start: number; durationMinutes: number; ignoreLessonId?: number | undefined },
): Conflict[] {
  const calendar = data.calendars.get(p.teacherId);
  if (!calendar) return [{ kind: 'outside_hours', reason: `Teacher ${p.teacherId} does not exist` }];
  const proposal = { teacherId: p.teacherId, start: p.start, durationMinutes: p.durationMinutes, ...(p.ignoreLessonId ? { ignoreLessonId: p.ignoreLessonId } : {}) };
  return checkProposal(proposal, calendar, data.closures, rules, data.studentLessons);
}

/**
 * The next free slots for this teacher (and student) at or after `after`, loading what they need
 * through `sql` (the executor of the transaction the caller is in, if any).
 */
export async function alternativesFor(
  deps: LessonDeps,
  rules: SchedulingRules,
  p: { teacherId: number; studentId?: number | undefined; after: number; durationMinutes: number; ignoreLessonId?: number | undefined },
  sql: SqlExecutor = deps.db.sql,
): Promise<Slot[]> {
  const after = Math.max(p.after, rules.now);
  const data = await loadSchedulingData(sql, {
    teacherIds: [p.teacherId],
    studentId: p.studentId,
    from: after,
    to: after + ALTERNATIVES.horizonDays * DAY,
    bufferMinutes: rules.bufferMinutes,
  });
  const calendar = data.calendars.get(p.teacherId);
  if (!calendar) return [];
  return nextFreeSlots(calendar, data.closures, rules, {
    after,
    durationMinutes: p.durationMinutes,
    count: ALTERNATIVES.count,
    horizonDays: ALTERNATIVES.horizonDays,
    studentLessons: data.studentLessons,
    ...(p.ignoreLessonId ? { ignoreLessonId: p.ignoreLessonId } : {}),
  });
}

/**
 * POST /lessons/check-conflicts: every rule the proposed lesson breaks, without writing. A student
 * the caller may not see is 404 (row-level security decides). Busy time is read as the owner, but a
 * conflicting lesson's id is shown only when the caller may see that lesson.
 */
export async function checkConflicts(deps: LessonDeps, caller: Caller, body: CheckConflictsBody): Promise<{ ok: boolean; conflicts: Conflict[] }> {
  let ownTeacherId: number | undefined;
  if (caller.role !== 'admin') {
    ownTeacherId = await scoped(deps.db, caller, async (tx) => {
      if (body.studentId !== undefined) {
        const [visible] = await tx.select({ id: students.id }).from(students).where(eq(students.id, body.studentId));
        if (!visible) throw notFound(`Student ${body.studentId}`);
      }
      return teacherIdOf(tx, caller);
    });
  }
  const settings = await settingsOf(deps);
  const rules = rulesOf(settings, deps.now(), caller);
  const start = Date.parse(body.scheduledAt);
  const data = await loadSchedulingData(deps.db.sql, {
    teacherIds: [body.teacherId],
    studentId: body.studentId,
    from: start,
    to: start + body.durationMinutes * MINUTE,
    bufferMinutes: rules.bufferMinutes,
  });
  if (!data.calendars.has(body.teacherId)) throw badField('body.teacherId', `No teacher ${body.teacherId}`);
  if (!data.studentExists) throw notFound(`Student ${body.studentId}`);
  const conflicts = conflictsIn(data, rules, { ...body, start, ignoreLessonId: body.lessonId });
  const lessonOwners = new Map([...(data.calendars.get(body.teacherId)?.lessons ?? []), ...data.studentLessons].map((l) => [l.id, l]));
  const visible = (lessonId: number): boolean => {
    if (caller.role === 'admin') return true;
    const lesson = lessonOwners.get(lessonId);
    return !!lesson && (lesson.teacherId === ownTeacherId || (caller.role === 'parent' && lesson.studentId === body.studentId));
  };
  return {
    ok: conflicts.length === 0,
    conflicts: conflicts.map(({ lessonId, ...rest }) => (lessonId !== undefined && visible(lessonId) ? { ...rest, lessonId } : rest)),
  };
}
