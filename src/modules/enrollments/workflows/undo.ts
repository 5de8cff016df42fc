/**
 * The undo steps of the enrollment's compensation, each safe to run twice (they read what is
 * still there) and audited. Deleting, not cancelling: a failed enrollment leaves nothing behind.
 */
import { sql } from 'drizzle-orm';
import type { Orm } from '../../../db/client.js';
import type { EnrollmentMessage } from '../../../db/schema/enrollments.js';
import { recordAudit, type AuditActor } from '../../audit/record.js';
import { demoMarker } from './row.js';
import { rowsOf, sqlExecutorOf } from '../../../db/orm-sql.js';

/** The note that the gateway customer stays (the gateway interface cannot delete customers). */
export const customerKept = (customerId: string): EnrollmentMessage => ({
  code: 'gateway_customer_kept',
  message: `Gateway customer ${customerId} was kept at the gateway (nothing was charged)`,
});

/** Deletes the demo lesson(s) this enrollment booked for `studentId` (by id or by its marker note). */
export async function deleteDemoLessons(tx: Orm, enrollmentId: number, studentId: number, lessonId: number | null, actor: AuditActor): Promise<number> {
  const deleted = rowsOf<Record<string, unknown> & { id: number }>(
    await tx.execute(sql`DELETE FROM lessons
      WHERE student_id = ${studentId} AND lesson_type = 'demo' AND (id = ${lessonId ?? -1} OR notes = ${demoMarker(enrollmentId)})
      RETURNING id, student_id, teacher_id, scheduled_at, duration_minutes, lesson_type, status, notes`),
  );
  for (const lesson of deleted) await recordAudit(sqlExecutorOf(tx), actor, { action: 'delete', entity: 'lesson', entityId: lesson.id, before: lesson });
  return deleted.length;
}

/** Unassigns `teacherId` from the student, if the student still has that teacher. */
export async function unassignTeacher(tx: Orm, studentId: number, teacherId: number, actor: AuditActor): Promise<void> {
  const changed = rowsOf<{ id: number }>(await tx.execute(sql`UPDATE students SET teacher_id = NULL WHERE id = ${studentId} AND teacher_id = ${teacherId} RETURNING id`));
  if (changed.length > 0) {
    await recordAudit(sqlExecutorOf(tx), actor, { action: 'update', entity: 'student', entityId: studentId, before: { teacherId }, after: { teacherId: null } });
  }
}

/** Deletes the student the enrollment created (its lessons go with it). */
export async function deleteStudent(tx: Orm, studentId: number, actor: AuditActor): Promise<void> {
  const [before] = rowsOf<Record<string, unknown>>(await tx.execute(sql`DELETE FROM students WHERE id = ${studentId} RETURNING *`));
  if (before) await recordAudit(sqlExecutorOf(tx), actor, { action: 'delete', entity: 'student', entityId: studentId, before });
}

/**
 * Deletes the parent account the enrollment created, unless something else uses it by now (another
 * child, another enrollment, a payment): then it stays, and the returned message says so.
 */
export async function deleteParentIfUnused(tx: Orm, parentId: number, enrollmentId: number, actor: AuditActor): Promise<EnrollmentMessage | undefined> {
  const [use] = rowsOf<{ used: boolean }>(
    await tx.execute(sql`SELECT EXISTS (SELECT 1 FROM students WHERE parent_id = ${parentId})
        OR EXISTS (SELECT 1 FROM enrollments WHERE parent_id = ${parentId} AND id <> ${enrollmentId})
        OR EXISTS (SELECT 1 FROM payments WHERE parent_id = ${parentId}) AS used`),
  );
  const kept: EnrollmentMessage = { code: 'parent_account_kept', message: `The parent account ${parentId} was kept: it is in use elsewhere` };
  if (use?.used) return kept;
  // A savepoint (by hand: the step's Drizzle handle opens no nested transactions): if some other
  // record still points at the account, only these statements are undone.
  await tx.execute(sql`SAVEPOINT delete_parent`);
  try {
    // The local mirror of the family's gateway customer and cards goes with the account (the
    // gateway keeps its customer; the enrollment's compensation notes it).
    await tx.execute(sql`DELETE FROM saved_payment_methods WHERE parent_id = ${parentId}`);
    await tx.execute(sql`DELETE FROM billing_customers WHERE parent_id = ${parentId}`);
    const before = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`DELETE FROM users WHERE id = ${parentId} AND role = 'parent' RETURNING id, email, first_name, last_name, phone, role`),
    );
    await tx.execute(sql`RELEASE SAVEPOINT delete_parent`);
    if (before[0]) await recordAudit(sqlExecutorOf(tx), actor, { action: 'delete', entity: 'user', entityId: parentId, before: before[0] });
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
    if (code !== '23503') throw error;
    await tx.execute(sql`ROLLBACK TO SAVEPOINT delete_parent`);
    return kept;
  }
}
