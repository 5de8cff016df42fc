import { defineNode, PermanentError } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { sendNotification } from '../../notifications/send.js';
import { confirmOutput, NODE, type BookedResult, type BookOutput, type ConfirmOutput, type ScheduleEvent } from './contracts.js';

interface People {
  studentName: string;
  parentId: number;
  teacherName: string;
  teacherUserId: number;
}

/** "2026-11-30 16:00": an ISO instant carrying the school's offset, read as local date and time. */
const localOf = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** The confirmation shown to the requester (the notifications say the same in the school's voice). */
export function confirmationMessage(result: BookedResult, people: Pick<People, 'studentName' | 'teacherName'>, frequency?: string): string {
  if (result.kind === 'lesson') {
    const l = result.lesson;
    return `${people.studentName}'s lesson with ${people.teacherName} is booked for ${localOf(l.scheduledAt)}, ${l.durationMinutes} minutes.`;
  }
  const first = result.lessons[0];
  const last = result.lessons[result.lessons.length - 1];
  if (!first || !last) return `No lesson of the series was booked.`;
  const notOn = (dates: typeof result.skipped, why: string): string =>
    dates.length ? ` Not on ${dates.map((s) => `${s.date} (${s.closure ?? s.timeOff})`).join(', ')}: ${why}.` : '';
  const closed = result.skipped.filter((s) => s.closure !== undefined);
  const away = result.skipped.filter((s) => s.closure === undefined);
  const skipped = notOn(closed, 'the school is closed') + notOn(away, 'the teacher is away');
  return (
    `${result.lessons.length} ${frequency ?? 'recurring'} lessons of ${people.studentName} with ${people.teacherName} are booked, ` +
    `${localOf(first.scheduledAt)} to ${localOf(last.scheduledAt)}, ${first.durationMinutes} minutes each.${skipped}`
  );
}

/**
 * confirm: starts a `lesson_confirmation` notification for the student's parent and for the
 * teacher. Each start uses the key `notify:<runId>:confirm:<recipient>`, so a retried or resumed
 * node never sends twice. Bad template data is a permanent error (EventValidationError).
 */
export function buildConfirmNode(services: SchoolServices) {
  return defineNode<ScheduleEvent, ConfirmOutput>({
    id: NODE.confirm,
    description: 'Notifies the parent and the teacher (lesson_confirmation) and words the confirmation',
    retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 },
    timeoutMs: 15_000,
    output: confirmOutput,
    process: async (ctx) => {
      const booked = ctx.output<BookOutput>(NODE.book);
      if (booked?.status !== 'booked') throw new PermanentError('confirm: the run booked nothing');
      const result = booked.result;
      const [people] = await services.db.sql.query<People>(
        `SELECT btrim(s.first_name || ' ' || s.last_name) AS "studentName", s.parent_id AS "parentId",
                btrim(u.first_name || ' ' || u.last_name) AS "teacherName", t.user_id AS "teacherUserId"
         FROM students s, teachers t JOIN users u ON u.id = t.user_id
         WHERE s.id = $1 AND t.id = $2`,
        [ctx.event.lesson.studentId, ctx.event.lesson.teacherId],
      );
      if (!people) throw new PermanentError(`confirm: student ${ctx.event.lesson.studentId} or teacher ${ctx.event.lesson.teacherId} is gone`);
      const lessons = result.kind === 'lesson' ? [result.lesson] : result.lessons;
      const first = lessons[0];
      if (!first) throw new PermanentError('confirm: the run booked no lesson');
      const data = {
        studentName: people.studentName,
        teacherName: people.teacherName,
        startsAt: first.scheduledAt,
        durationMinutes: first.durationMinutes,
        lessonCount: result.kind === 'series' ? lessons.length : null,
      };
      const recipients = [
        { recipient: 'parent' as const, userId: people.parentId },
        { recipient: 'teacher' as const, userId: people.teacherUserId },
      ];
      const notifications: ConfirmOutput['notifications'] = [];
      for (const { recipient, userId } of recipients) {
        const started = await sendNotification(services.workflows, { userId, template: 'lesson_confirmation', data }, `${ctx.idempotencyKey}:${recipient}`);
        notifications.push({ recipient, userId, ...started });
      }
      return { message: confirmationMessage(result, people, ctx.event.lesson.recurrence?.frequency), notifications };
    },
  });
}
