import { createClosure } from '../academics/closures.js';
import type { ClosureBody, ClosureView } from '../academics/schemas.js';
import type { AuditActor } from '../audit/record.js';
import type { Caller } from '../auth/scoped.js';
import { scoped } from '../lessons/db.js';
import { settingsOf, type LessonDeps } from '../lessons/deps.js';
import { addDays } from '../lessons/makeup.js';
import { localInstant, parseLocalDate } from '../scheduling/local-time.js';
import { findAffectedLessons, toAffectedView } from './affected.js';
import { cancelAll } from './cancel.js';
import type { AffectedLessonView } from './schemas.js';

/** The instants [from, to) of inclusive local days startsOn…endsOn in `zone` (midnight to midnight, DST-aware). */
export function dayRange(startsOn: string, endsOn: string, zone: string): { from: number; to: number } {
  return { from: localInstant(parseLocalDate(startsOn), 0, zone), to: localInstant(parseLocalDate(addDays(endsOn, 1)), 0, zone) };
}

/**
 * POST /closures: creates the closure (the academics rules: endsOn on or after startsOn, else 400
 * naming body.endsOn; a duplicate name and first day 409; nothing is created then) and answers with
 * the scheduled lessons of every teacher on its days. With `cancelLessons` each of them is then
 * cancelled by the school (make-up credit, notices). A closure that hits no lesson is still
 * created, with `affectedLessons: []`, whether or not cancelling was asked.
 */
export async function createClosureActing(
  deps: LessonDeps,
  caller: Caller,
  actor: AuditActor,
  body: ClosureBody,
  cancelLessons: boolean,
): Promise<{ closure: ClosureView; affectedLessons: AffectedLessonView[] }> {
  const settings = await settingsOf(deps);
  const zone = settings.timezone;
  const closure = await scoped(deps.db, caller, (tx) => createClosure(tx, actor, body));
  const lessons = await findAffectedLessons(deps.db.sql, dayRange(closure.startsOn, closure.endsOn, zone));
  if (!cancelLessons) return { closure, affectedLessons: lessons.map((l) => toAffectedView(l, zone)) };
  const outcomes = await cancelAll(deps, caller, actor, lessons, `The school is closed: ${closure.name}`);
  return { closure, affectedLessons: lessons.map((l) => toAffectedView(l, zone, outcomes.get(l.id))) };
}
