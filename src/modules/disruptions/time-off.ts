import type { AuditActor } from '../audit/record.js';
import type { Caller } from '../auth/scoped.js';
import { validationFailed } from '../../http/errors.js';
import { scoped } from '../lessons/db.js';
import { settingsOf, type LessonDeps } from '../lessons/deps.js';
import type { WorkflowStarter } from '../services.js';
import { requireAdminOrSelf } from '../teachers/access.js';
import { addTimeOff, checkTimeOffRange, type TimeOffView } from '../teachers/time-off.js';
import { findAffectedLessons, toAffectedView, type Outcome } from './affected.js';
import { cancelAll } from './cancel.js';
import { notifySubstitution } from './notify.js';
import type { AffectedLessonView, TimeOffActionBody } from './schemas.js';
import { assignSubstitute, checkSubstitute, type Substitute } from './substitute.js';

/** 400 when more than one action is asked, naming each. */
function checkOneAction(body: TimeOffActionBody): void {
  const asked = [
    body.cancelLessons ? 'body.cancelLessons' : null,
    body.substituteTeacherId !== undefined ? 'body.substituteTeacherId' : null,
    body.offerReschedule ? 'body.offerReschedule' : null,
  ].filter((field): field is string => field !== null);
  if (asked.length > 1) throw validationFailed(asked.map((field) => ({ field, message: 'give at most one of cancelLessons, substituteTeacherId and offerReschedule' })));
}

/**
 * POST /teachers/{id}/time-off (admins; the teacher themself). Checks, in order: who may (403/404),
 * the range and the action (400), the substitute (400/409 naming the clashing lessons), then in one
 * transaction adds the time off (409 when it overlaps other time off of the teacher) and hands the
 * lessons to the substitute; nothing is written when any check fails. Then, after that commit:
 * - `substituteTeacherId`: the family and the substitute get `lesson_substitute`;
 * - `cancelLessons`: each lesson is cancelled by the school (make-up credit, cancellation notices);
 * - `offerReschedule`: the same, with a reason inviting the family to book the make-up lesson at a
 *   time that suits them (the lesson does not stay on the calendar flagged: its slot is the
 *   teacher's time off, and the credit lets the family choose the new time).
 * The answer lists the teacher's scheduled lessons inside the time off and what was done to each.
 */
export async function addTimeOffActing(
  deps: LessonDeps & { workflows: WorkflowStarter },
  caller: Caller,
  actor: AuditActor,
  teacherId: number,
  body: TimeOffActionBody,
): Promise<{ timeOff: TimeOffView; affectedLessons: AffectedLessonView[] }> {
  await scoped(deps.db, caller, (tx) => requireAdminOrSelf(tx, caller, teacherId));
  checkOneAction(body);
  const now = deps.now();
  const range = checkTimeOffRange(body, now);
  const settings = await settingsOf(deps);
  const zone = settings.timezone;
  const lessons = await findAffectedLessons(deps.db.sql, { from: range.startsAt, to: range.endsAt, teacherId });
  const substituteId = body.substituteTeacherId;
  const substitute: Substitute | undefined = substituteId === undefined ? undefined : await checkSubstitute(deps, settings, teacherId, substituteId, lessons);

  const { timeOff, substituted } = await scoped(deps.db, caller, async (tx) => {
    const created = await addTimeOff(tx, actor, teacherId, body, now);
    return { timeOff: created, substituted: substitute ? await assignSubstitute(tx, actor, substitute.id, lessons) : new Set<number>() };
  });

  const outcomes = new Map<number, Outcome>();
  if (substitute) {
    const covered = lessons.filter((l) => substituted.has(l.id));
    for (const l of lessons) outcomes.set(l.id, substituted.has(l.id) ? { outcome: 'substituted', substituteTeacherId: substitute.id } : { outcome: 'not_scheduled' });
    await notifySubstitution(deps.workflows, zone, timeOff.id, substitute, covered);
  } else if (body.cancelLessons || body.offerReschedule) {
    const away = `${lessons[0]?.teacherName ?? 'The teacher'} is away`;
    const reason = body.offerReschedule ? `${away}; please book a make-up lesson at a time that suits you with the credit added` : away;
    for (const [id, outcome] of await cancelAll(deps, caller, actor, lessons, reason)) outcomes.set(id, outcome);
  }
  return { timeOff, affectedLessons: lessons.map((l) => toAffectedView(l, zone, outcomes.get(l.id))) };
}
