/**
 * The `lesson-reminders` workflow (cron, every 15 minutes): finds scheduled lessons starting within
 * the `reminderLeadHours` setting (default 24) that were not reminded yet, claims each one in
 * `lesson_reminders` and starts a `lesson_reminder` notification to the parent (and one e-mail to
 * the student's own address, if any).
 *
 * Exactly once per lesson, however many workers fire: the claim is an INSERT … ON CONFLICT DO
 * NOTHING on the lesson id, and the notification's idempotency key is `reminder:<lesson id>`, so
 * even two runs that both saw an unfinished claim start one notification run between them.
 */
import { z } from 'zod';
import { defineNode, defineWorkflow, type TaskContext } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { schoolSettings } from '../../settings/reader.js';
import { sendNotification } from '../send.js';

export const LESSON_REMINDERS_WORKFLOW = 'lesson-reminders';
/** At most this many lessons per firing; the rest wait for the next one. */
const BATCH = 500;

/** Cron firings carry `{ firedAt }`; a manual start may send `{}`. */
const cronEvent = z.object({ firedAt: z.string().optional() });
type Ctx = TaskContext<z.infer<typeof cronEvent>>;

interface DueLesson {
  lessonId: number;
  startsAt: string;
  durationMinutes: number;
  studentName: string;
  studentFirstName: string;
  studentEmail: string | null;
  parentId: number;
  teacherName: string;
}

export function buildLessonRemindersWorkflow(services: SchoolServices) {
  const sql = services.db.sql;

  const findDue = defineNode({
    id: 'find_due',
    description: 'Scheduled lessons starting within the lead time whose reminder has not been sent',
    retry: { maxAttempts: 3 },
    process: async (): Promise<{ leadHours: number; lessons: DueLesson[] }> => {
      const { reminderLeadHours } = await schoolSettings(services.db, services.config).get();
      const leadHours = reminderLeadHours > 0 ? reminderLeadHours : 24;
      const rows = await sql.query<Omit<DueLesson, 'startsAt'> & { startsAt: Date }>(
        `SELECT l.id AS "lessonId", l.scheduled_at AS "startsAt", l.duration_minutes AS "durationMinutes",
                s.first_name || ' ' || s.last_name AS "studentName", s.first_name AS "studentFirstName",
                s.email AS "studentEmail", s.parent_id AS "parentId", tu.first_name || ' ' || tu.last_name AS "teacherName"
         FROM lessons l
         JOIN students s ON s.id = l.student_id
         JOIN teachers t ON t.id = l.teacher_id
         JOIN users tu ON tu.id = t.user_id
         LEFT JOIN lesson_reminders r ON r.lesson_id = l.id
         WHERE l.status = 'scheduled' AND l.scheduled_at > now()
           AND l.scheduled_at <= now() + make_interval(secs => $1::double precision * 3600)
           AND (r.lesson_id IS NULL OR r.run_id IS NULL)
         ORDER BY l.scheduled_at, l.id LIMIT $2`,
        [leadHours, BATCH],
      );
      return { leadHours, lessons: rows.map((r) => ({ ...r, startsAt: new Date(r.startsAt).toISOString() })) };
    },
  });

  const send = defineNode({
    id: 'send',
    description: 'Claims each lesson once and starts its reminder notification(s)',
    retry: { maxAttempts: 3, initialDelayMs: 500 },
    process: async (ctx: Ctx): Promise<{ claimed: number; started: number }> => {
      const { lessons } = ctx.output(findDue) ?? { lessons: [] };
      let claimed = 0;
      let started = 0;
      for (const lesson of lessons) {
        const [claim] = await sql.query<{ lesson_id: number }>(
          `INSERT INTO lesson_reminders (lesson_id, lesson_starts_at) VALUES ($1, $2)
           ON CONFLICT (lesson_id) DO NOTHING RETURNING lesson_id`,
          [lesson.lessonId, lesson.startsAt],
        );
        if (claim) claimed += 1;
        else {
          // Claimed before: only an unfinished claim (no run yet) is worth completing; the key dedupes.
          const [open] = await sql.query('SELECT 1 FROM lesson_reminders WHERE lesson_id = $1 AND run_id IS NULL', [lesson.lessonId]);
          if (!open) continue;
        }
        const data = {
          studentName: lesson.studentName,
          teacherName: lesson.teacherName,
          startsAt: lesson.startsAt,
          durationMinutes: lesson.durationMinutes,
        };
        const parent = await sendNotification(services.workflows, { userId: lesson.parentId, template: 'lesson_reminder', data }, `reminder:${lesson.lessonId}`);
        if (lesson.studentEmail) {
          await sendNotification(
            services.workflows,
            { email: lesson.studentEmail, name: lesson.studentFirstName, template: 'lesson_reminder', data, channels: ['email'] },
            `reminder:${lesson.lessonId}:student`,
          );
        }
        await sql.query('UPDATE lesson_reminders SET run_id = $2 WHERE lesson_id = $1 AND run_id IS NULL', [lesson.lessonId, parent.runId]);
        if (parent.created) started += 1;
      }
      return { claimed, started };
    },
  });

  return defineWorkflow({
    name: LESSON_REMINDERS_WORKFLOW,
    description: 'Reminds families of lessons starting within the reminder lead time (setting reminderLeadHours), once per lesson',
    event: cronEvent,
    start: 'find_due',
    nodes: [{ node: findDue, connections: ['send'] }, { node: send }],
  });
}
