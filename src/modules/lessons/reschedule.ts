import { and, eq } from 'drizzle-orm';
import type { Caller } from '../auth/scoped.js';
import { lessons, type Lesson } from '../../db/schema/lessons.js';
import { conflict } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { Conflict } from '../scheduling/conflicts.js';
import { isoInZone } from '../scheduling/local-time.js';
import type { SchedulingRules } from '../scheduling/types.js';
import { alternativesFor, conflictsIn } from './check.js';
import { loadSchedulingData } from './context.js';
import { audienceOf, findOwnLesson, overlapError, scoped, toLessonView } from './db.js';
import { badField, rulesOf, settingsOf, type LessonDeps } from './deps.js';
import { moveCredit } from './makeup.js';
import { type LessonNotice, noticeLessonsRescheduled } from './notices.js';
import type { LessonView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The lesson may still be moved: scheduled, and (except for admins) outside the reschedule window. */
function assertMovable(lesson: Lesson, caller: Caller, windowHours: number, now: number, zone: string): void {
  if (lesson.status !== 'scheduled') throw conflict(`Lesson ${lesson.id} is ${lesson.status}; only a scheduled lesson can be rescheduled`);
  const deadline = lesson.scheduledAt.getTime() - windowHours * HOUR;
  if (caller.role !== 'admin' && now > deadline) {
    throw conflict(`Lesson ${lesson.id} can no longer be rescheduled: changes are possible up to ${windowHours} hours before it starts`, {
      rescheduleWindowHours: windowHours,
      deadline: isoInZone(deadline, zone),
    });
  }
}

async function refuse(deps: LessonDeps, rules: SchedulingRules, lesson: Lesson, start: number, reasons: Conflict[]) {
  const alternatives = await alternativesFor(deps, rules, {
    teacherId: lesson.teacherId,
    studentId: lesson.studentId,
    after: start,
    durationMinutes: lesson.durationMinutes,
    ignoreLessonId: lesson.id,
  });
  return conflict(`Lesson ${lesson.id} cannot move to ${isoInZone(start, rules.zone)}: ${reasons.map((r) => r.reason).join('; ')}`, {
    conflicts: reasons,
    alternatives,
  });
}

/**
 * POST /lessons/{id}/reschedule: admins any time; the teacher or the family up to
 * `rescheduleWindowHours` before the ORIGINAL start. In one transaction the old lesson becomes
 * `rescheduled` and a new one (rescheduled_from_id) takes the new time, same student, teacher,
 * duration, type, notes and series; a make-up credit moves along. A conflict answers 409 with
 * alternatives. Once committed, the family and the teacher get `lesson_rescheduled` with the old
 * and the new time (noticeLessonsRescheduled); `notices` says which were started.
 */
export async function rescheduleLesson(
  deps: LessonDeps,
  caller: Caller,
  actor: AuditActor,
  id: number,
  scheduledAt: string,
): Promise<{ lesson: LessonView; previous: LessonView; notices: LessonNotice[] }> {
  const settings = await settingsOf(deps);
  const now = deps.now();
  const rules = rulesOf(settings, now, caller);
  const window = settings.rescheduleWindowHours;
  const start = Date.parse(scheduledAt);
  const original = await scoped(deps.db, caller, (tx) => findOwnLesson(tx, caller, id));
  assertMovable(original, caller, window, now, rules.zone);
  if (start <= now) throw badField('body.scheduledAt', 'The new time is in the past');

  const data = await loadSchedulingData(deps.db.sql, {
    teacherIds: [original.teacherId],
    studentId: original.studentId,
    from: start,
    to: start + original.durationMinutes * MINUTE,
    bufferMinutes: rules.bufferMinutes,
  });
  const reasons = conflictsIn(data, rules, { teacherId: original.teacherId, start, durationMinutes: original.durationMinutes, ignoreLessonId: id });
  if (reasons.length > 0) throw await refuse(deps, rules, original, start, reasons);

  try {
    const moved = await scoped(deps.db, caller, async (tx) => {
      const lesson = await findOwnLesson(tx, caller, id, true);
      assertMovable(lesson, caller, window, now, rules.zone);
      const [previous] = await tx
        .update(lessons)
        .set({ status: 'rescheduled' })
        .where(and(eq(lessons.id, id), eq(lessons.status, 'scheduled')))
        .returning();
      const [created] = await tx
        .insert(lessons)
        .values({
          studentId: lesson.studentId,
          teacherId: lesson.teacherId,
          scheduledAt: new Date(start),
          endsAt: new Date(start + lesson.durationMinutes * MINUTE),
          durationMinutes: lesson.durationMinutes,
          lessonType: lesson.lessonType,
          paymentStatus: lesson.paymentStatus,
          seriesId: lesson.seriesId,
          rescheduledFromId: lesson.id,
          notes: lesson.notes,
          privateNotes: lesson.privateNotes,
        })
        .returning();
      if (lesson.lessonType === 'makeup') await moveCredit(tx, lesson.id, created!.id);
      const views = { lesson: toLessonView(created!, rules.zone, 'staff'), previous: toLessonView(previous!, rules.zone, 'staff') };
      const audit = sqlExecutorOf(tx);
      await recordAudit(audit, actor, { action: 'reschedule', entity: 'lesson', entityId: id, before: toLessonView(lesson, rules.zone, 'staff'), after: views });
      await recordAudit(audit, actor, { action: 'create', entity: 'lesson', entityId: created!.id, after: views.lesson });
      const audience = audienceOf(caller);
      return { lesson: toLessonView(created!, rules.zone, audience), previous: toLessonView(previous!, rules.zone, audience) };
    });
    const notices = await noticeLessonsRescheduled(deps, [{ previousLessonId: id, movedByUserId: caller.userId }]);
    return { ...moved, notices };
  } catch (error) {
    if (!overlapError(error)) throw error;
    throw await refuse(deps, rules, original, start, [{ kind: 'teacher_overlap', reason: 'Another booking took this time a moment ago' }]);
  }
}
