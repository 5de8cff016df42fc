/**
 * The two short endings: `reject` (a business rule said no: the row says why, nothing is created)
 * and `waitlist` (no free teacher: the row is kept and the family is told by e-mail).
 */
import { z } from 'zod';
import { defineNode, type TaskContext } from '../../../engine/index.js';
import { sendNotification } from '../../notifications/send.js';
import type { NotificationRequest } from '../../notifications/types.js';
import { checkpointFault, DB_RETRY, SERVICE_RETRY, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { readEnrollment, studentNameOf, submissionOf, updateEnrollment } from './row.js';
import type { ValidateOutput } from './validate.js';

const decided = z.object({ status: z.enum(['rejected', 'waitlisted']), notificationRunId: z.string().nullable() });
type Decided = z.infer<typeof decided>;

/** Stores the decision (once: a re-run gets the recorded result of `ctx.transaction`). */
async function decide(deps: NodeDeps, ctx: TaskContext<EnrollmentEvent>, status: 'rejected' | 'waitlisted'): Promise<void> {
  // The decision after the owner's confirmation, when there was one, else validate's.
  const reasons = (ctx.output<ValidateOutput>('confirm') ?? ctx.output<ValidateOutput>('validate'))?.reasons ?? [];
  const id = ctx.event.enrollmentId;
  await ctx.transaction(async ({ orm }) => {
    await updateEnrollment(orm, id, { status, errors: reasons, decidedAt: new Date(deps.now()) });
    await checkpointFault(deps, status === 'rejected' ? 'reject' : 'waitlist', id);
    return null;
  });
}

export function rejectNode(deps: NodeDeps) {
  return defineNode<EnrollmentEvent, Decided>({
    id: 'reject',
    description: 'Status rejected with the reasons; nothing is created',
    retry: DB_RETRY,
    output: decided,
    process: async (ctx) => {
      await decide(deps, ctx, 'rejected');
      return { status: 'rejected', notificationRunId: null };
    },
  });
}

export function waitlistNode(deps: NodeDeps) {
  const { db, workflows } = deps.services;
  return defineNode<EnrollmentEvent, Decided>({
    id: 'waitlist',
    description: 'Status waitlisted (the row is kept, no student); the family gets the enrollment_waitlisted e-mail',
    retry: SERVICE_RETRY,
    output: decided,
    process: async (ctx) => {
      await decide(deps, ctx, 'waitlisted');
      const row = await readEnrollment(db.orm, ctx.event.enrollmentId);
      const sub = submissionOf(row);
      const [parent] = await db.sql.query<{ id: number }>(`SELECT id FROM users WHERE lower(email) = lower($1) AND role = 'parent' AND is_active`, [sub.parentEmail]);
      const data = { studentName: studentNameOf(sub), instrument: sub.instrument };
      const request: NotificationRequest = parent
        ? { userId: parent.id, template: 'enrollment_waitlisted', data }
        : { email: sub.parentEmail, name: sub.parentFirstName, template: 'enrollment_waitlisted', data, channels: ['email'] };
      const { runId } = await sendNotification(workflows, request, `enrollment:${row.id}:waitlisted`);
      return { status: 'waitlisted', notificationRunId: runId };
    },
  });
}
