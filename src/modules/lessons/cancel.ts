import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/scoped.js';
import { lessons } from '../../db/schema/lessons.js';
import { conflict } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { isoInZone } from '../scheduling/local-time.js';
import { audienceOf, findOwnLesson, scoped, toLessonView } from './db.js';
import { settingsOf, type LessonDeps } from './deps.js';
import { creditExpiresOn, grantCredit } from './makeup.js';
import { type LessonNotice, noticeLessonsCancelled } from './notices.js';
import type { LessonView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

const HOUR = 3_600_000;

export interface CancelInput {
  reason?: string | undefined;
  /** Who asked for it: a parent always cancels for the family; admins and teachers default to the school. */
  initiatedBy?: 'school' | 'family' | undefined;
}

/**
 * POST /lessons/{id}/cancel. Admins cancel any scheduled lesson at any time; a teacher their own;
 * a parent their children's, only up to `cancellationWindowHours` before the start (later → 409).
 * A make-up credit is granted when the school cancels, or when the family cancels in time (an
 * admin recording a late family cancellation passes `initiatedBy: 'family'`); never for a demo.
 * Once committed, the family and the teacher get `lesson_cancellation` (noticeLessonsCancelled);
 * `notices` says which were started.
 */
export async function cancelLesson(
  deps: LessonDeps,
  caller: Caller,
  actor: AuditActor,
  id: number,
  input: CancelInput,
): Promise<LessonView & { makeupCreditId: number | null; notices: LessonNotice[] }> {
  const settings = await settingsOf(deps);
  const now = deps.now();
  const zone = settings.timezone;
  const initiatedBy = caller.role === 'parent' ? 'family' : (input.initiatedBy ?? 'school');
  const result = await scoped(deps.db, caller, async (tx) => {
    const lesson = await findOwnLesson(tx, caller, id, true);
    if (lesson.status !== 'scheduled') throw conflict(`Lesson ${id} is ${lesson.status}; only a scheduled lesson can be cancelled`);
    const deadline = lesson.scheduledAt.getTime() - settings.cancellationWindowHours * HOUR;
    const timely = now <= deadline;
    if (caller.role === 'parent' && !timely) {
      throw conflict(`Lesson ${id} is outside the cancellation window: families may cancel up to ${settings.cancellationWindowHours} hours before the start`, {
        cancellationWindowHours: settings.cancellationWindowHours,
        deadline: isoInZone(deadline, zone),
      });
    }
    // A workflow acting as the office (user id 0, no user row) is recorded as no one: the school.
    const [cancelled] = await tx
      .update(lessons)
      .set({ status: 'cancelled', cancelledAt: new Date(now), cancelledBy: caller.userId > 0 ? caller.userId : null, cancellationReason: input.reason ?? null })
      .where(eq(lessons.id, id))
      .returning();
    const grants = lesson.lessonType !== 'demo' && (initiatedBy === 'school' || timely);
    const why = initiatedBy === 'school' ? 'Cancelled by the school' : 'Cancelled by the family in time';
    const expiresOn = creditExpiresOn(now, zone, settings.makeupCreditExpiryDays);
    const makeupCreditId = grants ? await grantCredit(tx, cancelled!, input.reason ? `${why}: ${input.reason}` : why, expiresOn) : null;
    const after = { ...toLessonView(cancelled!, zone, 'staff'), makeupCreditId };
    await recordAudit(sqlExecutorOf(tx), actor, {
      action: 'cancel',
      entity: 'lesson',
      entityId: id,
      before: toLessonView(lesson, zone, 'staff'),
      after: { ...after, initiatedBy },
    });
    return { ...toLessonView(cancelled!, zone, audienceOf(caller)), makeupCreditId };
  });
  const notices = await noticeLessonsCancelled(deps, [id]);
  return { ...result, notices };
}
