/**
 * The `payment-issue` workflow (issue 17): a family's payment problem, from a failed payment
 * (started by the `payment` workflow after its dunning step), a parent's billing message, or the
 * office (POST /api/v1/ai/payment-issues):
 *
 *   gather → triage (AI node: classify, draft a reply, propose resolutions) → approval (waits)
 *     → decision ─┬─ approved → send-reply → apply-resolutions
 *                 └─ rejected / expired → close
 *
 * Nothing reaches the family and nothing changes before an admin approves (possibly with edits).
 * An approval nobody decides within 3 days expires and becomes a follow-up task.
 */
import { z } from 'zod';
import { defineAiNode } from '../../../ai/index.js';
import { defineNode, defineRouter, defineWorkflow, PermanentError, type TaskContext } from '../../../engine/index.js';
import { sendNotification } from '../../notifications/send.js';
import type { SchoolServices } from '../../services.js';
import { schoolSettings } from '../../settings/reader.js';
import { awaitApproval, type ApprovalOutcome } from '../await-approval.js';
import { applyResolution, type AppliedResolution } from './apply.js';
import { gatherCase } from './gather.js';
import { PAYMENT_ISSUE_WORKFLOW } from './start.js';
import { paymentIssueReply, paymentIssueTask, type PaymentIssueDraft, type PaymentIssueInput } from './task.js';
import type { AiTaskResult } from '../../../ai/index.js';

export { PAYMENT_ISSUE_WORKFLOW } from './start.js';

export const paymentIssueEvent = z
  .object({
    paymentId: z.number().int().positive().optional(),
    messageId: z.number().int().positive().optional(),
    /** What started it. */
    trigger: z.enum(['payment_failed', 'billing_message', 'office']),
  })
  .refine((e) => e.paymentId !== undefined || e.messageId !== undefined, { message: 'give paymentId or messageId', path: ['paymentId'] });
export type PaymentIssueEvent = z.infer<typeof paymentIssueEvent>;

const SERVICE_RETRY = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 };

const needed = <T>(ctx: TaskContext<PaymentIssueEvent>, id: string): T => {
  const output = ctx.output<T>(id);
  if (output === undefined) throw new PermanentError(`${id} must run first`);
  return output;
};

const zoneOf = async (services: SchoolServices): Promise<string> => (await schoolSettings(services.db, services.config).get()).timezone;

export function paymentIssueWorkflow(services: SchoolServices) {
  const gather = defineNode<PaymentIssueEvent, PaymentIssueInput>({
    id: 'gather',
    description: 'Read the family’s case: the payment, what is owed, late fees, the card’s state, recent billing messages',
    retry: SERVICE_RETRY,
    process: async (ctx) => gatherCase(services.db.sql, ctx.event, await zoneOf(services)),
  });

  const triage = defineAiNode<PaymentIssueEvent, PaymentIssueInput, PaymentIssueDraft>(services.ai, {
    id: 'triage',
    task: paymentIssueTask,
    input: (ctx) => needed<PaymentIssueInput>(ctx, 'gather'),
  });

  const approval = defineNode<PaymentIssueEvent, ApprovalOutcome<PaymentIssueDraft>>({
    id: 'approval',
    description: 'The reply and the resolutions wait for an admin (approve, edit, reject); 3 days, then a follow-up task',
    retry: SERVICE_RETRY,
    process: async (ctx) => {
      const input = needed<PaymentIssueInput>(ctx, 'gather');
      const drafted = needed<AiTaskResult<PaymentIssueDraft>>(ctx, 'triage');
      const about = input.payment ? `${(input.payment.amountCents / 100).toFixed(2)} ${input.payment.currency}` : 'a billing message';
      return awaitApproval(ctx as TaskContext<unknown>, {
        kind: paymentIssueReply,
        title: `Payment issue of ${input.parent.firstName} ${input.parent.lastName}: ${about}`,
        draft: drafted.output,
        shared: drafted.shared,
        source: drafted.source,
        links: { userId: input.parent.id, paymentId: input.payment?.id ?? null },
      });
    },
  });

  const decision = defineRouter<PaymentIssueEvent>({
    id: 'decision',
    description: 'approved → send-reply; rejected or expired → close',
    route: (ctx) => (needed<ApprovalOutcome<PaymentIssueDraft>>(ctx, 'approval').decision === 'approved' ? 'send-reply' : 'close'),
  });

  const approved = (ctx: TaskContext<PaymentIssueEvent>) => {
    const outcome = needed<ApprovalOutcome<PaymentIssueDraft>>(ctx, 'approval');
    if (outcome.decision !== 'approved') throw new PermanentError('the draft was not approved');
    return outcome;
  };

  const sendReply = defineNode<PaymentIssueEvent, { notificationRunId: string }>({
    id: 'send-reply',
    description: 'Send the approved reply to the parent (payment_issue_reply, through the notification workflow)',
    retry: SERVICE_RETRY,
    process: async (ctx) => {
      const input = needed<PaymentIssueInput>(ctx, 'gather');
      const { draft } = approved(ctx);
      const { runId } = await sendNotification(
        services.workflows,
        { userId: input.parent.id, template: 'payment_issue_reply', data: { message: draft.reply } },
        ctx.idempotencyKey,
      );
      return { notificationRunId: runId };
    },
  });

  const applyNode = defineNode<PaymentIssueEvent, { resolutions: AppliedResolution[] }>({
    id: 'apply-resolutions',
    description: 'Apply each approved resolution through the payments rules (retry date, card link, late-fee waiver) or as a task (instalments, call)',
    retry: SERVICE_RETRY,
    process: async (ctx) => {
      const input = needed<PaymentIssueInput>(ctx, 'gather');
      const outcome = approved(ctx);
      const applyContext = {
        services,
        actor: { userId: outcome.decidedBy, role: outcome.decidedBy === null ? 'system' : 'admin', requestId: `run:${ctx.runId}` },
        runId: ctx.runId,
        key: ctx.idempotencyKey,
        approvalId: outcome.approvalId,
        zone: await zoneOf(services),
        input,
      };
      const resolutions: AppliedResolution[] = [];
      for (const [index, r] of outcome.draft.resolutions.entries()) resolutions.push(await applyResolution(applyContext, r, index));
      return { resolutions };
    },
  });

  const close = defineNode<PaymentIssueEvent, { decision: string; taskId: number | null }>({
    id: 'close',
    description: 'Nothing is sent or changed (rejected; or expired, with a follow-up task)',
    process: (ctx) => {
      const outcome = needed<ApprovalOutcome<PaymentIssueDraft>>(ctx, 'approval');
      return { decision: outcome.decision, taskId: outcome.decision === 'expired' ? outcome.taskId : null };
    },
  });

  return defineWorkflow({
    name: PAYMENT_ISSUE_WORKFLOW,
    description: 'AI-assisted payment-issue resolution: read the case, draft a reply and resolutions, wait for approval, send and apply',
    event: paymentIssueEvent,
    start: 'gather',
    nodes: [
      { node: gather, connections: ['triage'] },
      { node: triage, connections: ['approval'] },
      { node: approval, connections: ['decision'] },
      { node: decision, connections: ['send-reply', 'close'] },
      { node: sendReply, connections: ['apply-resolutions'] },
      { node: applyNode },
      { node: close },
    ],
  });
}
