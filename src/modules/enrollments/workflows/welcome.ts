/**
 * `welcome`: the parent_welcome e-mail to the parent and teacher_new_student to the teacher (each a
 * `notification` run with an idempotency key of this enrollment, so each goes out once however often
 * this node runs; the teacher's carries a briefing drafted from the family's goals, briefing.ts), the set-password link when the account is new, and the status `completed`.
 * A failure to send is recorded (flag welcome_email_failed): the office can write by hand, as the
 * brief says; it does not undo the enrollment. Both writes go through `ctx.transaction`, so a re-run
 * neither issues a second link nor notes twice.
 */
import { z } from 'zod';
import { runAiTaskInNode } from '../../../ai/index.js';
import { defineNode, isPermanent, PermanentError, type TaskContext } from '../../../engine/index.js';
import { issuePasswordLink } from '../../auth/service.js';
import { settingsOf } from '../../lessons/deps.js';
import { localDateOf } from '../../scheduling/local-time.js';
import { ageBandOf, enrollmentBriefingTask } from '../briefing.js';
import { deliverQueuedMailSoon } from '../../notifications/send.js';
import { sendNotification } from '../../notifications/send.js';
import { checkpointFault, committedFault, SERVICE_RETRY, type EnrollmentEvent, type NodeDeps } from './deps.js';
import type { FamilyOutput } from './family.js';
import { noted, parentNameOf, readEnrollment, studentNameOf, submissionOf, updateEnrollment } from './row.js';

export const WELCOME_FAILED = 'welcome_email_failed';

export const welcomeOutput = z.object({
  parentNotificationRunId: z.string().nullable(),
  teacherNotificationRunId: z.string().nullable(),
  setPasswordLinkSent: z.boolean(),
});
export type WelcomeOutput = z.infer<typeof welcomeOutput>;

export function welcomeNode(deps: NodeDeps) {
  const { db, config, workflows } = deps.services;
  return defineNode<EnrollmentEvent, WelcomeOutput>({
    id: 'welcome',
    description: 'Welcome e-mails to the parent (with a set-password link for a new account) and the teacher; status completed',
    retry: SERVICE_RETRY,
    output: welcomeOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const id = ctx.event.enrollmentId;
      const family = ctx.output<FamilyOutput>('family');
      const row = await readEnrollment(db.orm, id);
      const { teacherId } = row;
      if (family === undefined || teacherId === null) throw new PermanentError(`enrollment ${id} is missing its family or teacher`);
      const { parentId, createdParent } = family;
      const sub = submissionOf(row);
      const [teacher] = await db.sql.query<{ userId: number; name: string }>(
        `SELECT u.id AS "userId", u.first_name || ' ' || u.last_name AS name FROM teachers t JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
        [teacherId],
      );
      if (!teacher) throw new PermanentError(`teacher ${teacherId} no longer exists`);
      const demoLessonAt = row.demoLessonAt?.toISOString() ?? null;
      const student = { studentName: studentNameOf(sub), instrument: sub.instrument };

      // 1. The enrollment is complete: status and, for a new account, the set-password link (they
      //    commit together, once). Nothing has been sent yet if this fails.
      const settings = await settingsOf(deps.lessons);
      await ctx.transaction(async ({ orm, sql: tx }) => {
        if (createdParent) {
          await issuePasswordLink(tx, { id: parentId, email: sub.parentEmail, firstName: sub.parentFirstName }, 'set_password', {
            publicAppUrl: config.publicAppUrl,
            schoolName: settings.school.name,
          });
        }
        await updateEnrollment(orm, id, { status: 'completed', decidedAt: new Date(deps.now()) });
        await checkpointFault(deps, 'welcome', id);
        return null;
      });
      await committedFault(deps, 'welcome', id);
      if (createdParent) deliverQueuedMailSoon(workflows);

      // 2. The teacher's briefing from the family's own words (checkpointed: drafted once per run).
      const { output: brief } = await runAiTaskInNode(
        ctx as TaskContext<unknown>,
        deps.services.ai,
        enrollmentBriefingTask,
        {
          parentId,
          parentFirstName: sub.parentFirstName,
          studentFirstName: sub.studentFirstName,
          instrument: sub.instrument,
          ageBand: ageBandOf(sub.studentDateOfBirth, localDateOf(deps.now(), settings.timezone)),
          lessonDuration: sub.lessonDuration,
          goals: sub.goals ?? null,
        },
        { label: 'briefing' },
      );

      // 3. The e-mails, each once (idempotency keys of this enrollment), however often this runs.
      let parentRun: string | null = null;
      let teacherRun: string | null = null;
      let failure: string | null = null;
      try {
        const [toParent, toTeacher] = await Promise.all([
          sendNotification(
            workflows,
            { userId: parentId, template: 'parent_welcome', data: { ...student, teacherName: teacher.name, demoLessonAt } },
            `enrollment:${id}:parent_welcome`,
          ),
          sendNotification(
            workflows,
            {
              userId: Number(teacher.userId),
              template: 'teacher_new_student',
              data: { ...student, parentName: parentNameOf(sub), parentEmail: sub.parentEmail, firstLessonAt: demoLessonAt, briefing: brief.briefing },
            },
            `enrollment:${id}:teacher_new_student`,
          ),
        ]);
        parentRun = toParent.runId;
        teacherRun = toTeacher.runId;
      } catch (error) {
        if (!isPermanent(error) && ctx.attempt < SERVICE_RETRY.maxAttempts) throw error;
        failure = `The welcome e-mails could not be sent: ${error instanceof Error ? error.message : String(error)}`;
      }

      // 4. Done: a failure to send is recorded for the office.
      const result: WelcomeOutput = { parentNotificationRunId: parentRun, teacherNotificationRunId: teacherRun, setPasswordLinkSent: createdParent };
      return ctx.transaction(async ({ orm }) => {
        await updateEnrollment(orm, id, { welcomedAt: new Date(deps.now()), ...(failure !== null ? noted(WELCOME_FAILED, failure) : {}) });
        return result;
      });
    },
  });
}
