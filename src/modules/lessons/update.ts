import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/scoped.js';
import { lessons, type Attendance } from '../../db/schema/lessons.js';
import { conflict, forbidden } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { findOwnLesson, scoped, toLessonView } from './db.js';
import { settingsOf, type LessonDeps } from './deps.js';
import type { LessonView, PatchLessonBody } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

/**
 * PATCH /lessons/{id}: admins change notes, private notes and payment status; the lesson's teacher
 * the notes and private notes. Parents change nothing (403), so they never set `notes` nor `privateNotes`.
 */
export async function patchLesson(deps: LessonDeps, caller: Caller, actor: AuditActor, id: number, body: PatchLessonBody): Promise<LessonView> {
  if (caller.role === 'parent') throw forbidden('Parents cannot edit lessons');
  if (caller.role === 'teacher' && body.paymentStatus !== undefined) throw forbidden('Only an admin changes the payment status');
  const { timezone: zone } = await settingsOf(deps);
  return scoped(deps.db, caller, async (tx) => {
    const lesson = await findOwnLesson(tx, caller, id, true);
    const set = {
      ...(body.notes !== undefined ? { notes: body.notes } : {}),
      ...(body.privateNotes !== undefined ? { privateNotes: body.privateNotes } : {}),
      ...(body.paymentStatus !== undefined ? { paymentStatus: body.paymentStatus } : {}),
    };
    const [updated] = await tx.update(lessons).set(set).where(eq(lessons.id, id)).returning();
    const after = toLessonView(updated!, zone, 'staff');
    await recordAudit(sqlExecutorOf(tx), actor, { action: 'update', entity: 'lesson', entityId: id, before: toLessonView(lesson, zone, 'staff'), after });
    return after;
  });
}

/**
 * POST /lessons/{id}/complete: admins or the lesson's teacher record attendance (and notes, private notes) once
 * the lesson has started; only a scheduled lesson can be completed.
 */
export async function completeLesson(
  deps: LessonDeps,
  caller: Caller,
  actor: AuditActor,
  id: number,
  body: { attendance: Attendance; notes?: string | undefined; privateNotes?: string | undefined },
): Promise<LessonView> {
  if (caller.role === 'parent') throw forbidden('Only an admin or the teacher completes a lesson');
  const { timezone: zone } = await settingsOf(deps);
  const now = deps.now();
  return scoped(deps.db, caller, async (tx) => {
    const lesson = await findOwnLesson(tx, caller, id, true);
    if (lesson.status !== 'scheduled') throw conflict(`Lesson ${id} is ${lesson.status}; only a scheduled lesson can be completed`);
    if (lesson.scheduledAt.getTime() > now) throw conflict(`Lesson ${id} has not started yet, so it cannot be completed`);
    const [updated] = await tx
      .update(lessons)
      .set({
        status: 'completed',
        attendance: body.attendance,
        completedAt: new Date(now),
        ...(body.notes !== undefined ? { notes: body.notes } : {}),
        ...(body.privateNotes !== undefined ? { privateNotes: body.privateNotes } : {}),
      })
      .where(eq(lessons.id, id))
      .returning();
    const after = toLessonView(updated!, zone, 'staff');
    await recordAudit(sqlExecutorOf(tx), actor, { action: 'complete', entity: 'lesson', entityId: id, before: toLessonView(lesson, zone, 'staff'), after });
    return after;
  });
}
