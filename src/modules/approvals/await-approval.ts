/**
 * `awaitApproval`: the one-line step by which a workflow node hands a draft to a human and waits
 * for the answer, durably (the engine's `ctx.waitFor`: no worker, timer or memory is held while it
 * waits, for days; a worker killed meanwhile changes nothing).
 *
 *   const answer = await awaitApproval(ctx, { kind: paymentIssueReply, title, draft, shared, source, links });
 *   if (answer.decision === 'approved') apply(answer.draft);   // the draft with the approver's edits
 *
 * The approval row is the truth: a decision committed by the routes counts even if its signal was
 * lost (the run then finds it when the wait's deadline passes); with no decision by the deadline
 * the approval becomes `expired` and a follow-up task is created. Call it once per node, or give
 * each call its own `label`. The node's code before it must be idempotent (it runs again after
 * the wait), as for any durable wait.
 */
import { PermanentError, type TaskContext } from '../../engine/index.js';
import type { AuditActor } from '../audit/record.js';
import type { ApprovalKind } from './kinds.js';
import { approvalById, decideApproval, insertApproval } from './store.js';
import { createTask, type TaskLinks } from './tasks.js';

/** The audit actor of a run's own writes. */
export const runActor = (runId: string): AuditActor => ({ userId: null, role: 'system', requestId: `run:${runId}` });

export interface ApprovalRequest<Draft> {
  kind: ApprovalKind<Draft>;
  /** One line for the office's list ("Reply to Marguerite about 180.00 CAD"). */
  title: string;
  draft: Draft;
  /** What the drafter saw, exactly as sent (the AI task result's `shared`); null for a rules-only draft. */
  shared: unknown;
  /** `ai:<provider>/<model>` or `rules` (the AI task result's `source`). */
  source: string;
  /** Who and what it concerns (shown, filtered, and copied to the follow-up task). */
  links?: Pick<TaskLinks, 'userId' | 'studentId' | 'paymentId'>;
  /** Default: the kind's timeoutMs. */
  timeoutMs?: number;
  /** Distinguishes several approvals awaited by one node. Default: the kind's name. */
  label?: string;
  /** The follow-up task made when it expires. Default: "Decide: <title>". */
  followUp?: { title: string; details: string };
}

export type ApprovalOutcome<Draft> =
  | { decision: 'approved'; approvalId: number; draft: Draft; edited: boolean; decidedBy: number | null }
  | { decision: 'rejected'; approvalId: number; reason: string | null; decidedBy: number | null }
  | { decision: 'expired'; approvalId: number; taskId: number };

/** The signal an approval's run waits for (sent by the approve and reject routes). */
export const approvalSignal = (label: string): string => `approval:${label}`;

export async function awaitApproval<Draft>(ctx: TaskContext<unknown>, request: ApprovalRequest<Draft>): Promise<ApprovalOutcome<Draft>> {
  const { kind } = request;
  const parsed = kind.schema.safeParse(request.draft);
  if (!parsed.success) throw new PermanentError(`The draft of approval kind ${kind.kind} does not match its schema: ${parsed.error.message}`);
  const signal = approvalSignal(request.label ?? kind.kind);
  const timeoutMs = request.timeoutMs ?? kind.timeoutMs;
  const links = request.links ?? {};
  const approvalId = await ctx.transaction(({ sql }) =>
    insertApproval(sql, {
      kind: kind.kind,
      title: request.title,
      draft: parsed.data,
      shared: request.shared,
      source: request.source,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      signal,
      parentId: links.userId ?? null,
      studentId: links.studentId ?? null,
      paymentId: links.paymentId ?? null,
      timeoutMs,
    }),
  );

  await ctx.waitFor(signal, { timeoutMs });

  return ctx.transaction(async ({ sql }): Promise<ApprovalOutcome<Draft>> => {
    const row = await approvalById(sql, approvalId, { lock: true });
    if (!row) throw new PermanentError(`approval ${approvalId} disappeared`);
    if (row.status === 'approved') {
      const draft = kind.schema.parse({ ...(row.draft as object), ...(row.edits ?? {}) });
      return { decision: 'approved', approvalId, draft, edited: row.edits !== null && Object.keys(row.edits).length > 0, decidedBy: row.decidedBy };
    }
    if (row.status === 'rejected') return { decision: 'rejected', approvalId, reason: row.reason, decidedBy: row.decidedBy };
    // Nobody decided in time: expired, and the office gets a task instead.
    if (row.status === 'pending') await decideApproval(sql, approvalId, { status: 'expired', by: null });
    const task = await createTask(
      sql,
      runActor(ctx.runId),
      {
        title: request.followUp?.title ?? `Decide: ${request.title}`.slice(0, 200),
        details: request.followUp?.details ?? `Approval ${approvalId} (${kind.kind}) expired without a decision; nothing was sent or changed. Look at the case and act by hand.`,
        ...links,
        runId: ctx.runId,
        approvalId,
      },
      `approval:${approvalId}:expired`,
    );
    return { decision: 'expired', approvalId, taskId: task.id };
  });
}
