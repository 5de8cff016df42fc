import { AppError } from '../../http/errors.js';
import type { AuditActor } from '../audit/record.js';
import type { Caller } from '../auth/scoped.js';
import { cancelLesson } from '../lessons/cancel.js';
import type { LessonDeps } from '../lessons/deps.js';
import type { AffectedLesson, Outcome } from './affected.js';

/**
 * Cancels each lesson through the lessons module's `cancelLesson` (its rules, make-up credit,
 * audit and notices), as the school, one transaction per lesson, in order. A lesson someone else
 * cancelled or moved meanwhile (409 there) is left alone and reported `not_scheduled`; any other
 * error stops the loop and is thrown (the lessons cancelled before it stay cancelled).
 */
export async function cancelAll(deps: LessonDeps, caller: Caller, actor: AuditActor, lessons: readonly AffectedLesson[], reason: string): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  for (const lesson of lessons) {
    try {
      const cancelled = await cancelLesson(deps, caller, actor, lesson.id, { reason, initiatedBy: 'school' });
      outcomes.set(lesson.id, { outcome: 'cancelled', makeupCreditId: cancelled.makeupCreditId });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
      outcomes.set(lesson.id, { outcome: 'not_scheduled' });
    }
  }
  return outcomes;
}
