import type { Orm } from '../../db/client.js';
import type { Lesson } from '../../db/schema/lessons.js';
import { AppError, conflict } from '../../http/errors.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { localDateOf } from '../scheduling/local-time.js';

/**
 * Make-up credits. A cancelled lesson (not a demo) grants one credit to its student when the school
 * cancels, or when the family cancels in time; it can be used until its `expires_on` (the last
 * local day, `makeupCreditExpiryDays` after the grant). Booking a lesson of type `makeup` uses the
 * credit asked for, or the oldest open one (one credit per make-up lesson, enforced by the unique keys).
 */

const DAY = 86_400_000;

/** 'YYYY-MM-DD' plus `days` calendar days (no time zone involved). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The last local day a credit granted at `now` (epoch ms) can be used, in `zone`. */
export const creditExpiresOn = (now: number, zone: string, expiryDays: number): string => addDays(localDateOf(now, zone), expiryDays);

/** Grants the credit for a just-cancelled lesson, usable through `expiresOn` ('YYYY-MM-DD'); returns its id. */
export async function grantCredit(tx: Orm, lesson: Lesson, reason: string, expiresOn: string): Promise<number> {
  const [row] = await sqlExecutorOf(tx).query<{ id: number }>(
    'INSERT INTO makeup_credits (student_id, source_lesson_id, reason, expires_on) VALUES ($1, $2, $3, $4) RETURNING id',
    [lesson.studentId, lesson.id, reason, expiresOn],
  );
  if (!row) throw new Error(`could not grant a make-up credit for lesson ${lesson.id}`);
  return row.id;
}

/** Which credit a make-up lesson uses: `creditId` (default: the oldest open one), judged open on local day `today`. */
export interface CreditChoice {
  creditId?: number | undefined;
  today: string;
}

const FIELD = 'body.makeupCreditId';
const refuse = (message: string): AppError => conflict(message, [{ field: FIELD, message }]);

/** Checks that credit `creditId` (visible to the caller under row-level security) is `studentId`'s and open; locks it. */
async function checkChosenCredit(tx: Orm, studentId: number, creditId: number, today: string): Promise<void> {
  const [credit] = await sqlExecutorOf(tx).query<{ studentId: number; usedLessonId: number | null; expiresOn: string | null }>(
    `SELECT student_id AS "studentId", used_lesson_id AS "usedLessonId", expires_on::text AS "expiresOn" FROM makeup_credits WHERE id = $1 FOR UPDATE`,
    [creditId],
  );
  if (!credit) throw new AppError('not_found', `Make-up credit ${creditId} not found`, [{ field: FIELD, message: 'no such credit that you may use' }]);
  if (credit.studentId !== studentId) throw refuse(`Make-up credit ${creditId} belongs to another student, not to student ${studentId}`);
  if (credit.usedLessonId !== null) throw refuse(`Make-up credit ${creditId} was already used (lesson ${credit.usedLessonId})`);
  if (credit.expiresOn !== null && credit.expiresOn < today) throw refuse(`Make-up credit ${creditId} expired on ${credit.expiresOn}`);
}

/**
 * Uses a credit of `studentId` for make-up lesson `lessonId` and returns its id. The chosen credit
 * must be the student's, unused and unexpired (404 / 409 naming body.makeupCreditId); without a
 * choice the oldest open one is used, 409 when there is none.
 */
export async function useCredit(tx: Orm, studentId: number, lessonId: number, choice: CreditChoice): Promise<number> {
  if (choice.creditId !== undefined) await checkChosenCredit(tx, studentId, choice.creditId, choice.today);
  const [row] = await sqlExecutorOf(tx).query<{ id: number }>(
    `UPDATE makeup_credits SET used_lesson_id = $2
     WHERE id = (SELECT id FROM makeup_credits
                 WHERE student_id = $1 AND used_lesson_id IS NULL AND (expires_on IS NULL OR expires_on >= $3::date)
                   AND ($4::int IS NULL OR id = $4)
                 ORDER BY granted_at, id LIMIT 1 FOR UPDATE)
     RETURNING id`,
    [studentId, lessonId, choice.today, choice.creditId ?? null],
  );
  if (!row) throw conflict(`Student ${studentId} has no unused make-up credit (none open and unexpired); a make-up lesson needs one`, { studentId });
  return row.id;
}

/** A rescheduled make-up lesson keeps its credit: the credit moves to the new lesson. */
export async function moveCredit(tx: Orm, fromLessonId: number, toLessonId: number): Promise<void> {
  await sqlExecutorOf(tx).query('UPDATE makeup_credits SET used_lesson_id = $2 WHERE used_lesson_id = $1', [fromLessonId, toLessonId]);
}
