/**
 * Acting on a schedule review's suggestion, through each domain's own rules: a move is the lessons
 * module's reschedule (its conflict checks; a refusal makes the suggestion `failed` with the
 * reason), an offer is the waitlist's promotion with the suggested teacher, a teacher is contacted
 * by a `direct_message` in the school's name. Called by the approve request of a
 * `schedule-suggestion` approval (approval.ts).
 */
import { AppError } from '../../http/errors.js';
import type { AuditActor } from '../audit/record.js';
import type { Caller } from '../auth/scoped.js';
import { promoteEnrollment } from '../enrollments/promotion.js';
import { rescheduleLesson } from '../lessons/reschedule.js';
import { sendNotification } from '../notifications/send.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import type { Suggestion } from './types.js';

export interface ApplyResult {
  status: 'applied' | 'failed';
  /** What was done, or why it could not be (the domain's own message). */
  outcome: string;
}

type Services = Pick<SchoolServices, 'db' | 'config' | 'workflows'>;

/**
 * Applies one suggestion as `actor` (an admin): never throws for a refusal of the domain (a
 * conflict, a lesson no longer scheduled, an enrollment no longer waiting): that is `failed` with
 * the reason. `key` makes the teacher's message idempotent (one per suggestion).
 */
export async function applyScheduleSuggestion(services: Services, suggestion: Suggestion, actor: AuditActor, key: string, now: () => number = Date.now): Promise<ApplyResult> {
  const caller: Caller = { userId: actor.userId ?? 0, role: 'admin' };
  try {
    if (suggestion.action === 'move_lesson') {
      if (suggestion.lessonId === null || suggestion.toStartsAt === null) return { status: 'failed', outcome: 'the suggestion names no lesson or time' };
      const moved = await rescheduleLesson(
        { db: services.db, config: services.config, now, workflows: services.workflows },
        caller,
        actor,
        suggestion.lessonId,
        suggestion.toStartsAt,
      );
      return { status: 'applied', outcome: `Lesson ${suggestion.lessonId} moved to ${moved.lesson.scheduledAt} (new lesson ${moved.lesson.id})` };
    }
    if (suggestion.action === 'offer_slot') {
      if (suggestion.enrollmentId === null || suggestion.teacherId === null) return { status: 'failed', outcome: 'the suggestion names no enrollment or teacher' };
      await promoteEnrollment(services, actor, suggestion.enrollmentId, { teacherId: suggestion.teacherId });
      return {
        status: 'applied',
        outcome: `Enrollment ${suggestion.enrollmentId} was given a place with teacher ${suggestion.teacherId} (suggested time ${suggestion.startsAt ?? 'any'})`,
      };
    }
    if (suggestion.teacherId === null) return { status: 'failed', outcome: 'the suggestion names no teacher' };
    const [teacher] = await services.db.sql.query<{ user_id: number }>(`SELECT t.user_id FROM teachers t JOIN users u ON u.id = t.user_id WHERE t.id = $1 AND u.is_active`, [
      suggestion.teacherId,
    ]);
    if (!teacher) return { status: 'failed', outcome: `teacher ${suggestion.teacherId} no longer has an active account` };
    const { school } = await schoolSettings(services.db, services.config).get();
    const message = { senderName: school.name, subject: 'About your timetable', message: suggestion.reason };
    const sent = await sendNotification(services.workflows, { userId: teacher.user_id, template: 'direct_message', data: message }, key);
    return { status: 'applied', outcome: `Teacher ${suggestion.teacherId} was written to (notification run ${sent.runId})` };
  } catch (error) {
    if (error instanceof AppError && error.statusCode < 500) return { status: 'failed', outcome: error.message };
    throw error;
  }
}
