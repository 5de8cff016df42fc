/**
 * The notices of lesson changes: the one place that tells the family (the student's parent) and the
 * teacher that a lesson was booked (POST /lessons), cancelled or moved. Every path that changes a
 * lesson calls these functions AFTER its transaction has committed (cancelLesson, rescheduleLesson,
 * createLessons, and anything built on them: closures, time off, workflows), so a notice never
 * announces a change that was rolled back.
 *
 * Each notice is a run of the durable `notification` workflow (e-mail, SMS and in-app by the
 * recipient's preferences) keyed by the business fact (`lesson:<id>:cancelled:parent` …), so calling
 * a function again for the same lessons (a retried node, a repeated request) starts nothing new.
 * The facts (names, times, who acted, the make-up credit) are read from the database as the owner:
 * callers pass lesson ids only.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { sendNotification } from '../notifications/send.js';
import type { NotificationRequest, TemplateData } from '../notifications/types.js';
import type { LessonDeps } from './deps.js';

export type NoticeDeps = Pick<LessonDeps, 'db' | 'workflows'>;
export type NoticeRecipient = 'parent' | 'teacher';

/**
 * One notice as started. `runId` is the notification run; with `status: 'failed'` it could not be
 * started (the lesson change itself stands): `error` says why, for the caller's log, not for
 * clients. `userId` is null when the lesson's people could not be read.
 */
export interface LessonNotice {
  lessonId: number;
  recipient: NoticeRecipient;
  userId: number | null;
  runId: string | null;
  status: 'started' | 'failed';
  error?: string;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface LessonFacts {
  id: number;
  scheduledAt: Date;
  durationMinutes: number;
  seriesId: string | null;
  studentName: string;
  parentId: number;
  teacherName: string;
  teacherUserId: number;
}

const FACTS = `SELECT l.id, l.scheduled_at AS "scheduledAt", l.duration_minutes AS "durationMinutes", l.series_id AS "seriesId",
         btrim(s.first_name || ' ' || s.last_name) AS "studentName", s.parent_id AS "parentId",
         btrim(tu.first_name || ' ' || tu.last_name) AS "teacherName", t.user_id AS "teacherUserId"`;
const JOINS = `FROM lessons l
  JOIN students s ON s.id = l.student_id
  JOIN teachers t ON t.id = l.teacher_id
  JOIN users tu ON tu.id = t.user_id`;

/** "the school" for the office (or no user), else "<name> (teacher)" / "<name> (parent)". */
export function actorWording(actor: { role: string | null; name: string | null }): string {
  if (actor.role === 'teacher' || actor.role === 'parent') return actor.name ? `${actor.name} (${actor.role})` : `the ${actor.role === 'parent' ? 'family' : 'teacher'}`;
  return 'the school';
}

const iso = (at: Date): string => at.toISOString();

/** Starts the notice for the parent and for the teacher of `facts`; a start that fails is reported, not thrown. */
async function tellBoth(deps: NoticeDeps, facts: LessonFacts, request: Pick<NotificationRequest, 'template'> & { data: TemplateData }, key: string): Promise<LessonNotice[]> {
  const recipients: Array<{ recipient: NoticeRecipient; userId: number }> = [
    { recipient: 'parent', userId: facts.parentId },
    { recipient: 'teacher', userId: facts.teacherUserId },
  ];
  const notices: LessonNotice[] = [];
  for (const { recipient, userId } of recipients) {
    try {
      const { runId } = await sendNotification(deps.workflows, { userId, ...request }, `${key}:${recipient}`);
      notices.push({ lessonId: facts.id, recipient, userId, runId, status: 'started' });
    } catch (error) {
      notices.push({ lessonId: facts.id, recipient, userId, runId: null, status: 'failed', error: messageOf(error) });
    }
  }
  return notices;
}

/** Runs `read`; when the read itself fails, the error (every lesson's notices are then reported failed). */
async function readFacts<T>(read: (sql: SqlExecutor) => Promise<T[]>, sql: SqlExecutor): Promise<T[] | Error> {
  try {
    return await read(sql);
  } catch (error) {
    return new Error(messageOf(error));
  }
}

/**
 * `lesson_cancellation` to the family and the teacher of each cancelled lesson in `lessonIds`:
 * who cancelled, the reason (the lesson's `cancellationReason`, else `options.reason`), the time
 * in the school's zone and whether a make-up credit was granted. Ids of lessons that are not
 * cancelled are skipped. Key: `lesson:<id>:cancelled:<recipient>`.
 */
export async function noticeLessonsCancelled(deps: NoticeDeps, lessonIds: readonly number[], options: { reason?: string } = {}): Promise<LessonNotice[]> {
  if (lessonIds.length === 0) return [];
  type Row = LessonFacts & { reason: string | null; actorRole: string | null; actorName: string | null; makeupCredit: boolean };
  const rows = await readFacts(
    (sql) =>
      sql.query<Row>(
        `${FACTS}, l.cancellation_reason AS reason, cb.role AS "actorRole", btrim(cb.first_name || ' ' || cb.last_name) AS "actorName",
                EXISTS (SELECT 1 FROM makeup_credits m WHERE m.source_lesson_id = l.id) AS "makeupCredit"
         ${JOINS} LEFT JOIN users cb ON cb.id = l.cancelled_by
         WHERE l.id = ANY($1::int[]) AND l.status = 'cancelled' ORDER BY l.scheduled_at, l.id`,
        [lessonIds],
      ),
    deps.db.sql,
  );
  if (rows instanceof Error) return lessonIds.flatMap((id) => failedBoth(id, rows));
  const notices: LessonNotice[] = [];
  for (const row of rows) {
    const data: TemplateData = {
      studentName: row.studentName,
      teacherName: row.teacherName,
      startsAt: iso(row.scheduledAt),
      reason: row.reason ?? options.reason ?? null,
      cancelledBy: actorWording({ role: row.actorRole, name: row.actorName }),
      makeupCredit: row.makeupCredit,
    };
    notices.push(...(await tellBoth(deps, row, { template: 'lesson_cancellation', data }, `lesson:${row.id}:cancelled`)));
  }
  return notices;
}

/**
 * `lesson_rescheduled` to the family and the teacher for each move: the lesson `previousLessonId`
 * (now `rescheduled`) and the lesson that replaced it, old and new times in the school's zone,
 * and who moved it (`movedByUserId`; null: the school). Key: `lesson:<previousLessonId>:rescheduled:<recipient>`.
 */
export async function noticeLessonsRescheduled(deps: NoticeDeps, moves: ReadonlyArray<{ previousLessonId: number; movedByUserId: number | null }>): Promise<LessonNotice[]> {
  if (moves.length === 0) return [];
  type Row = LessonFacts & { previousId: number; previousStartsAt: Date };
  const rows = await readFacts(
    (sql) =>
      sql.query<Row>(
        `${FACTS}, p.id AS "previousId", p.scheduled_at AS "previousStartsAt"
         ${JOINS} JOIN lessons p ON p.id = l.rescheduled_from_id
         WHERE p.id = ANY($1::int[]) AND p.status = 'rescheduled' ORDER BY l.scheduled_at, l.id`,
        [moves.map((m) => m.previousLessonId)],
      ),
    deps.db.sql,
  );
  if (rows instanceof Error) return moves.flatMap((m) => failedBoth(m.previousLessonId, rows));
  const actorIds = [...new Set(moves.map((m) => m.movedByUserId).filter((id): id is number => id !== null))];
  const found = await readFacts(
    (sql) =>
      sql.query<{ id: number; role: string; name: string }>(`SELECT id, role, btrim(first_name || ' ' || last_name) AS name FROM users WHERE id = ANY($1::int[])`, [actorIds]),
    deps.db.sql,
  );
  // Without the actors' names the notice still goes out, naming the school.
  const actors = found instanceof Error ? [] : found;
  const notices: LessonNotice[] = [];
  for (const row of rows) {
    const by = moves.find((m) => m.previousLessonId === row.previousId)?.movedByUserId ?? null;
    const actor = actors.find((a) => a.id === by);
    const data: TemplateData = {
      studentName: row.studentName,
      teacherName: row.teacherName,
      previousStartsAt: iso(row.previousStartsAt),
      startsAt: iso(row.scheduledAt),
      durationMinutes: row.durationMinutes,
      rescheduledBy: actorWording({ role: actor?.role ?? null, name: actor?.name ?? null }),
    };
    notices.push(...(await tellBoth(deps, row, { template: 'lesson_rescheduled', data }, `lesson:${row.previousId}:rescheduled`)));
  }
  return notices;
}

/**
 * `lesson_confirmation` to the family and the teacher for one booking: one lesson, or a series
 * told once (first lesson and the number of lessons), as the scheduling workflow's confirm node
 * words it. Key: `lesson:<first lesson id>:booked:<recipient>`.
 */
export async function noticeLessonsBooked(deps: NoticeDeps, lessonIds: readonly number[]): Promise<LessonNotice[]> {
  if (lessonIds.length === 0) return [];
  const rows = await readFacts((sql) => sql.query<LessonFacts>(`${FACTS} ${JOINS} WHERE l.id = ANY($1::int[]) ORDER BY l.scheduled_at, l.id`, [lessonIds]), deps.db.sql);
  if (rows instanceof Error) return failedBoth(Math.min(...lessonIds), rows);
  const first = rows[0];
  if (!first) return [];
  const data: TemplateData = {
    studentName: first.studentName,
    teacherName: first.teacherName,
    startsAt: iso(first.scheduledAt),
    durationMinutes: first.durationMinutes,
    lessonCount: first.seriesId !== null ? rows.length : null,
  };
  return tellBoth(deps, first, { template: 'lesson_confirmation', data }, `lesson:${first.id}:booked`);
}

/** Both notices of a lesson whose facts could not be read, as failed. */
function failedBoth(lessonId: number, error: Error): LessonNotice[] {
  return (['parent', 'teacher'] as const).map((recipient) => ({ lessonId, recipient, userId: null, runId: null, status: 'failed', error: error.message }));
}
