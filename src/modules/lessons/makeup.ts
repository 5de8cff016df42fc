import type { Orm } from '../../db/client.js';
import type { Lesson } from '../../db/schema/lessons.js';
import { conflict } from '../../http/errors.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

/**
 * Make-up credits. A cancelled lesson (not a demo) grants one credit to its student when the school
 * cancels, or when the family cancels in time; booking a lesson of type `makeup` uses the oldest
 * unused, unexpired credit (one credit per make-up lesson, enforced by the unique keys).
 */

/** Grants the credit for a just-cancelled lesson; returns its id. */
export async function grantCredit(tx: Orm, lesson: Lesson, reason: string): Promise<number> {
  const [row] = await sqlExecutorOf(tx).query<{ id: number }>('INSERT INTO makeup_credits (student_id, source_lesson_id, reason) VALUES ($1, $2, $3) RETURNING id', [
    lesson.studentId,
    lesson.id,
    reason,
  ]);
  if (!row) throw new Error(`could not grant a make-up credit for lesson ${lesson.id}`);
  return row.id;
}

/** Uses one of the student's credits for make-up lesson `lessonId`; 409 when there is none. */
export async function useCredit(tx: Orm, studentId: number, lessonId: number): Promise<number> {
  const [row] = await sqlExecutorOf(tx).query<{ id: number }>(
    `UPDATE makeup_credits SET used_lesson_id = $2
     WHERE id = (SELECT id FROM makeup_credits
                 WHERE student_id = $1 AND used_lesson_id IS NULL AND (expires_on IS NULL OR expires_on >= current_date)
                 ORDER BY granted_at, id LIMIT 1 FOR UPDATE)
     RETURNING id`,
    [studentId, lessonId],
  );
  if (!row) throw conflict(`Student ${studentId} has no unused make-up credit; a make-up lesson needs one`, { studentId });
  return row.id;
}

/** A rescheduled make-up lesson keeps its credit: the credit moves to the new lesson. */
export async function moveCredit(tx: Orm, fromLessonId: number, toLessonId: number): Promise<void> {
  await sqlExecutorOf(tx).query('UPDATE makeup_credits SET used_lesson_id = $2 WHERE used_lesson_id = $1', [fromLessonId, toLessonId]);
}
