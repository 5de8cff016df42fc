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
 * each call its own `label` (or use `awaitApprovals` to wait for several in parallel). The node's code before it must be idempotent (it runs again after
 * the wait), as for any durable wait.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
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
  | {
      decision: 'approved';
      approvalId: number;
      draft: Draft;
      edited: boolean;
      decidedBy: number | null /** What the kind's `apply` did on approval, else null. */;
      outcome: string | null;
    }
  | { decision: 'rejected'; approvalId: number; reason: string | null; decidedBy: number | null }
  | { decision: 'expired'; approvalId: number; taskId: number };

/** The signal an approval's run waits for (sent by the approve and reject routes). */
export const approvalSignal = (label: string): string => `approval:${label}`;

export async function awaitApproval<Draft>(ctx: TaskContext<unknown>, request: ApprovalRequest<Draft>): Promise<ApprovalOutcome<Draft>> {
  const [outcome] = await awaitApprovals(ctx, [request]);
  return outcome!;
}

/**
 * Several approvals of one node, waited for in parallel: all are created at once (one
 * transaction), the run waits until every one is decided or expired (each its own deadline), and
 * the outcomes come back in the order of `requests`. Each request needs its own `label`.
 */
export async function awaitApprovals<Draft>(ctx: TaskContext<unknown>, requests: readonly ApprovalRequest<Draft>[]): Promise<ApprovalOutcome<Draft>[]> {
  if (requests.length === 0) return [];
  const prepared = requests.map((request) => {
    const parsed = request.kind.schema.safeParse(request.draft);
    if (!parsed.success) throw new PermanentError(`The draft of approval kind ${request.kind.kind} does not match its schema: ${parsed.error.message}`);
    return { request, draft: parsed.data, signal: approvalSignal(request.label ?? request.kind.kind), timeoutMs: request.timeoutMs ?? request.kind.timeoutMs };
  });
  if (new Set(prepared.map((p) => p.signal)).size !== prepared.length) throw new PermanentError('awaitApprovals: give each request its own label');
  const approvalIds = await ctx.transaction(async ({ sql }) => {
    const ids: number[] = [];
    for (const { request, draft, signal, timeoutMs } of prepared) {
      const links = request.links ?? {};
      ids.push(
        await insertApproval(sql, {
          kind: request.kind.kind,
          title: request.title,
          draft,
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
    }
    return ids;
  });

  // Every wait is registered before the run suspends, so it goes on only when all are settled.
  const waits = await Promise.allSettled(prepared.map((p) => ctx.waitFor(p.signal, { timeoutMs: p.timeoutMs })));
  const failed = waits.find((w): w is PromiseRejectedResult => w.status === 'rejected');
  if (failed) throw failed.reason;

  return ctx.transaction(async ({ sql }) => {
    const outcomes: ApprovalOutcome<Draft>[] = [];
    for (const [i, { request }] of prepared.entries()) outcomes.push(await outcomeOf(sql, ctx.runId, request, approvalIds[i]!));
    return outcomes;
  });
}

/** Reads the decision of a settled wait; an approval still pending expired and becomes a follow-up task. */
async function outcomeOf<Draft>(sql: SqlExecutor, runId: string, request: ApprovalRequest<Draft>, approvalId: number): Promise<ApprovalOutcome<Draft>> {
  const { kind } = request;
  const row = await approvalById(sql, approvalId, { lock: true });
  if (!row) throw new PermanentError(`approval ${approvalId} disappeared`);
  if (row.status === 'approved') {
    const draft = kind.schema.parse({ ...(row.draft as object), ...(row.edits ?? {}) });
    return { decision: 'approved', approvalId, draft, edited: row.edits !== null && Object.keys(row.edits).length > 0, decidedBy: row.decidedBy, outcome: row.outcome };
  }
  if (row.status === 'rejected') return { decision: 'rejected', approvalId, reason: row.reason, decidedBy: row.decidedBy };
  // Nobody decided in time: expired, and the office gets a task instead.
  if (row.status === 'pending') await decideApproval(sql, approvalId, { status: 'expired', by: null });
  const task = await createTask(
    sql,
    runActor(runId),
    {
      title: request.followUp?.title ?? `Decide: ${request.title}`.slice(0, 200),
      details: request.followUp?.details ?? `Approval ${approvalId} (${kind.kind}) expired without a decision; nothing was sent or changed. Look at the case and act by hand.`,
      ...(request.links ?? {}),
      runId,
      approvalId,
    },
    `approval:${approvalId}:expired`,
  );
  return { decision: 'expired', approvalId, taskId: task.id };
}
