/**
 * `reject`: a business rule said no (or the owner never confirmed, or the office declined, or no
 * place opened on the waitlist in time). The row says why and nothing is created; the family gets
 * the `enrollment_rejected` e-mail with the reasons (the office's own when it declined) and the
 * signed status link. Not sent when the owner of the e-mail never confirmed the public form: they
 * may not have sent it, and the confirmation mail already told them it would lapse.
 * The waitlisted ending is in waitlist.ts.
 */
import { z } from 'zod';
import { defineNode, type TaskContext } from '../../../engine/index.js';
import { sendNotification } from '../../notifications/send.js';
import type { NotificationRequest } from '../../notifications/types.js';
import { statusLinkOf } from '../status-link.js';
import { checkpointFault, SERVICE_RETRY, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { readEnrollment, studentNameOf, submissionOf, updateEnrollment } from './row.js';
import type { ValidateOutput } from './validate.js';
import type { WaitlistOutput } from './waitlist.js';

const decided = z.object({ status: z.literal('rejected'), notificationRunId: z.string().nullable() });
type Decided = z.infer<typeof decided>;

/** Reasons that are not mailed: the address's owner never confirmed the form was theirs. */
const UNMAILED = new Set(['confirmation_expired']);

export function rejectNode(deps: NodeDeps) {
  const { db, workflows, config, signingSecret } = deps.services;
  return defineNode<EnrollmentEvent, Decided>({
    id: 'reject',
    description: 'Status rejected with the reasons (nothing is created); the family gets the enrollment_rejected e-mail saying why',
    retry: SERVICE_RETRY,
    output: decided,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      // The last decision: the waitlist's ending, else the one after the owner's confirmation, else validate's.
      const reasons = (ctx.output<WaitlistOutput>('waitlist') ?? ctx.output<ValidateOutput>('confirm') ?? ctx.output<ValidateOutput>('validate'))?.reasons ?? [];
      const id = ctx.event.enrollmentId;
      // Once: a re-run gets the recorded result of `ctx.transaction`.
      await ctx.transaction(async ({ orm }) => {
        await updateEnrollment(orm, id, { status: 'rejected', errors: reasons, decidedAt: new Date(deps.now()) });
        await checkpointFault(deps, 'reject', id);
        return null;
      });
      if (reasons.length === 0 || reasons.some((r) => UNMAILED.has(r.code))) return { status: 'rejected', notificationRunId: null };

      const sub = submissionOf(await readEnrollment(db.orm, id));
      const [parent] = await db.sql.query<{ id: number }>(`SELECT id FROM users WHERE lower(email) = lower($1) AND role = 'parent' AND is_active`, [sub.parentEmail]);
      const data = {
        studentName: studentNameOf(sub),
        instrument: sub.instrument,
        reasons: reasons.map((r) => r.message).join('\n'),
        statusLink: statusLinkOf(config.publicAppUrl, signingSecret, id, deps.now()),
      };
      const request: NotificationRequest = parent
        ? { userId: parent.id, template: 'enrollment_rejected', data, channels: ['email', 'in_app'] }
        : { email: sub.parentEmail, name: sub.parentFirstName, template: 'enrollment_rejected', data, channels: ['email'] };
      const { runId } = await sendNotification(workflows, request, `enrollment:${id}:rejected`);
      return { status: 'rejected', notificationRunId: runId };
    },
  });
}
