/**
 * `confirm`: the public form named the e-mail of an existing account, and a public form must never
 * change an account its sender may not own. The address gets a one-time link (valid
 * CONFIRMATION_TTL_HOURS); the node then waits durably for the OWNER_CONFIRMED signal, sent when
 * the link is used or the office approves (or declines). Nothing of the family changes before. Once
 * confirmed, the form is decided again, the account included; without an answer in time, or when
 * the office declines, the enrollment is rejected and nothing was changed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineNode, defineRouter, type TaskContext } from '../../../engine/index.js';
import { sendNotification } from '../../notifications/send.js';
import { DB_RETRY, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { lockEnrollment, readEnrollment, studentNameOf, submissionOf, updateEnrollment } from './row.js';
import { decideEnrollment, nextOf, validateOutput } from './validate.js';

/** The signal that ends the wait. */
export const OWNER_CONFIRMED = 'owner_confirmed';
/** How long the link works and the run waits for it, in hours. */
export const CONFIRMATION_TTL_HOURS = 72;
const TTL_MS = CONFIRMATION_TTL_HOURS * 3_600_000;

/** What the link's endpoint or the office sends with OWNER_CONFIRMED. */
export const ownerAnswer = z.object({
  /** 'email' (the link was used) or 'admin:<user id>'. */
  by: z.string().min(1),
  approved: z.boolean(),
  /** Why the office declined. */
  reason: z.string().optional(),
});
export type OwnerAnswer = z.infer<typeof ownerAnswer>;

/** SHA-256 (hex) of a link token: only this is stored. */
export const tokenHashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export const confirmOutput = validateOutput.extend({ confirmedBy: z.string().nullable() });
export type ConfirmOutput = z.infer<typeof confirmOutput>;

const expired = {
  code: 'confirmation_expired',
  message: `The enrollment was not confirmed by the owner of the e-mail address within ${CONFIRMATION_TTL_HOURS} hours; nothing was changed. Please submit the form again.`,
};

export function confirmNode(deps: NodeDeps) {
  const { db, config, workflows } = deps.services;
  return defineNode<EnrollmentEvent, ConfirmOutput>({
    id: 'confirm',
    description: `The existing account's owner confirms by the e-mailed link (${CONFIRMATION_TTL_HOURS} h) or the office approves; then decided again`,
    retry: DB_RETRY,
    output: confirmOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const id = ctx.event.enrollmentId;
      // Issued once (the transaction's result is recorded with it): a re-run mails the same link.
      const link = await ctx.transaction(async ({ orm }) => {
        await lockEnrollment(orm, id);
        const token = randomBytes(32).toString('base64url');
        const expiresAt = new Date(deps.now() + TTL_MS);
        await updateEnrollment(orm, id, {
          status: 'awaiting_confirmation',
          confirmationTokenHash: tokenHashOf(token),
          confirmationSentAt: new Date(deps.now()),
          confirmationExpiresAt: expiresAt,
        });
        return { token, expiresAt: expiresAt.toISOString() };
      });
      const sub = submissionOf(await readEnrollment(db.orm, id));
      const [owner] = await db.sql.query<{ firstName: string }>(`SELECT first_name AS "firstName" FROM users WHERE lower(email) = lower($1)`, [sub.parentEmail]);
      await sendNotification(
        workflows,
        {
          email: sub.parentEmail,
          ...(owner ? { name: owner.firstName } : {}),
          template: 'enrollment_confirm',
          channels: ['email'],
          data: {
            studentName: studentNameOf(sub),
            instrument: sub.instrument,
            link: `${config.publicAppUrl}/enrollments/confirm?token=${encodeURIComponent(link.token)}`,
            expiresAt: link.expiresAt,
          },
        },
        `enrollment:${id}:confirm`,
      );

      const waited = await ctx.waitFor<unknown>(OWNER_CONFIRMED, { timeoutMs: TTL_MS });
      const answer = waited.received ? ownerAnswer.safeParse(waited.payload) : undefined;
      if (!answer?.success || !answer.data.approved) {
        const reason = answer?.success
          ? { code: 'confirmation_declined', message: `The school declined this enrollment${answer.data.reason ? `: ${answer.data.reason}` : ''}` }
          : expired;
        await ctx.transaction(async ({ orm }) => {
          await updateEnrollment(orm, id, { confirmationTokenHash: null });
          return null;
        });
        return { outcome: 'rejected', reasons: [reason], freeTeacherIds: [], confirmedBy: null };
      }
      const by = answer.data.by;
      await ctx.transaction(async ({ orm }) => {
        await updateEnrollment(orm, id, { status: 'pending', confirmationTokenHash: null, confirmedAt: new Date(deps.now()), confirmedBy: by });
        return null;
      });
      return { ...(await decideEnrollment(deps, sub, { ownerUnproven: false })), confirmedBy: by };
    },
  });
}

/** Routes on the decision made after the wait: rejected → reject, waitlisted → waitlist, accepted → family. */
export const afterConfirmRouter = defineRouter<EnrollmentEvent>({
  id: 'confirmed',
  description: 'rejected (expired, declined, or a rule about the account) → reject; waitlisted → waitlist; accepted → family',
  route: (ctx) => nextOf(ctx.output<ConfirmOutput>('confirm')?.outcome),
});
