/**
 * `waitlist`: no free teacher for the instrument. The row says `waitlisted`, the family gets the
 * `enrollment_waitlisted` e-mail ("no teacher for cello yet" when nobody teaches it, else "fully
 * booked"), with the signed status link, and the run then waits durably for a place: the
 * WAITLIST_PLACE signal, sent when the office promotes it (POST /enrollments/{id}/promote), when
 * the waitlist moves by itself (a place opened: the `waitlist-moves` workflow), or when the office
 * declines it (POST /enrollments/{id}/decline). One run tells the whole story of an enrollment:
 * promoted, it goes on from `family` (family → payment → assign → demo → welcome) with the
 * office's teacher, if one was chosen, as the preferred one; declined, or without a place within
 * WAITLIST_MAX_DAYS, it ends `rejected` (the family is told why).
 */
import { z } from 'zod';
import { defineNode, defineRouter, type TaskContext } from '../../../engine/index.js';
import { sendNotification } from '../../notifications/send.js';
import type { NotificationRequest } from '../../notifications/types.js';
import { statusLinkOf } from '../status-link.js';
import { waitlistMayMove } from './waitlist-moves.js';
import { WAITLIST_MAX_DAYS, WAITLIST_MAX_MS, WAITLIST_PLACE, waitlistAnswer } from './waitlist-signal.js';

export { WAITLIST_MAX_DAYS, WAITLIST_PLACE, waitlistAnswer, type WaitlistAnswer } from './waitlist-signal.js';
import { checkpointFault, SERVICE_RETRY, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { lockEnrollment, readEnrollment, studentNameOf, submissionOf, updateEnrollment } from './row.js';
import type { ValidateOutput } from './validate.js';
import { sql } from 'drizzle-orm';

export const waitlistOutput = z.object({
  outcome: z.enum(['promoted', 'declined', 'expired']),
  /** Why it ended (declined, expired); empty when promoted. */
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  teacherId: z.number().int().nullable(),
  promotedBy: z.string().nullable(),
  notificationRunId: z.string().nullable(),
});
export type WaitlistOutput = z.infer<typeof waitlistOutput>;

const expired = {
  code: 'waitlist_expired',
  message: `No place opened within ${WAITLIST_MAX_DAYS} days; the enrollment has ended. You are welcome to submit the form again.`,
};

export function waitlistNode(deps: NodeDeps) {
  const { db, workflows, config, signingSecret } = deps.services;
  return defineNode<EnrollmentEvent, WaitlistOutput>({
    id: 'waitlist',
    description: `Status waitlisted, the enrollment_waitlisted e-mail; then waits for a place (promote, or the waitlist moves) up to ${WAITLIST_MAX_DAYS} days`,
    retry: SERVICE_RETRY,
    output: waitlistOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const id = ctx.event.enrollmentId;
      // The decision after the owner's confirmation, when there was one, else validate's. Once:
      // the node runs again from here when its signal comes, and gets the recorded result.
      const reasons = (ctx.output<ValidateOutput>('confirm') ?? ctx.output<ValidateOutput>('validate'))?.reasons ?? [];
      const noTeacherYet = await ctx.transaction(async ({ orm, sql: tx }) => {
        await updateEnrollment(orm, id, { status: 'waitlisted', errors: reasons, decidedAt: new Date(deps.now()) });
        const sub = submissionOf(await readEnrollment(orm, id));
        const [taught] = await tx.query<{ taught: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM teachers t JOIN users u ON u.id = t.user_id WHERE $1::text = ANY (t.instruments) AND u.is_active) AS taught`,
          [sub.instrument],
        );
        await checkpointFault(deps, 'waitlist', id);
        return !taught?.taught;
      });

      const sub = submissionOf(await readEnrollment(db.orm, id));
      const [parent] = await db.sql.query<{ id: number }>(`SELECT id FROM users WHERE lower(email) = lower($1) AND role = 'parent' AND is_active`, [sub.parentEmail]);
      const data = { studentName: studentNameOf(sub), instrument: sub.instrument, noTeacherYet, statusLink: statusLinkOf(config.publicAppUrl, signingSecret, id, deps.now()) };
      const request: NotificationRequest = parent
        ? { userId: parent.id, template: 'enrollment_waitlisted', data }
        : { email: sub.parentEmail, name: sub.parentFirstName, template: 'enrollment_waitlisted', data, channels: ['email'] };
      const { runId } = await sendNotification(workflows, request, `enrollment:${id}:waitlisted`);
      // Places may be free and owed to the waitlist (validate.ts): let it move (once per enrollment).
      waitlistMayMove(workflows, `enrollment ${id} waitlisted`, `enrollment:${id}`);

      const waited = await ctx.waitFor<unknown>(WAITLIST_PLACE, { timeoutMs: WAITLIST_MAX_MS });
      const answer = waited.received ? waitlistAnswer.safeParse(waited.payload) : undefined;
      const ended = (reason: { code: string; message: string }): WaitlistOutput => ({
        outcome: reason === expired ? 'expired' : 'declined',
        reasons: [reason],
        teacherId: null,
        promotedBy: null,
        notificationRunId: runId,
      });
      if (!answer?.success) return ended(expired);
      if (!answer.data.approved) {
        const why = answer.data.reason ? `: ${answer.data.reason}` : '';
        return ended({ code: 'waitlist_declined', message: `The school declined this enrollment${why}` });
      }
      // Promoted: the row is the family node's again (pending), without the waitlist's message.
      const by = answer.data.by;
      await ctx.transaction(async ({ orm }) => {
        await lockEnrollment(orm, id);
        await updateEnrollment(orm, id, {
          status: 'pending',
          errors: sql`coalesce((SELECT jsonb_agg(e) FROM jsonb_array_elements(errors) e WHERE e->>'code' <> 'no_teacher'), '[]'::jsonb)`,
          promotedAt: sql`coalesce(promoted_at, now())`,
          promotedBy: sql`coalesce(promoted_by, ${by}::text)`,
        });
        return null;
      });
      return { outcome: 'promoted', reasons: [], teacherId: answer.data.teacherId ?? null, promotedBy: by, notificationRunId: runId };
    },
  });
}

/** Where the wait led: promoted → family; declined or expired → reject. */
export const afterWaitlistRouter = defineRouter<EnrollmentEvent>({
  id: 'waitlisted',
  description: 'promoted (a place: the office or the waitlist moved) → family; declined by the office, or no place in time → reject',
  route: (ctx) => (ctx.output<WaitlistOutput>('waitlist')?.outcome === 'promoted' ? 'family' : 'reject'),
});
