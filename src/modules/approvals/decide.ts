/**
 * Deciding an approval (POST /api/v1/approvals/{id}/approve | reject, admins): the decision is
 * committed with its audit row, then the waiting run is signalled and goes on. Deciding anything
 * but a pending approval is a 409; edits must name fields of the draft and leave a draft its kind's
 * schema accepts (else 400 naming `body.edits.<field>`; nothing changes).
 *
 * A kind with an `apply` step is applied by the approve request itself: the approval is claimed
 * (any other decision meanwhile is a 409), the draft applied outside that transaction, then the
 * decision committed with the step's outcome. A refusal of the domain (e.g. a 409 conflict) is the
 * request's answer, the claim is released and the approval stays pending.
 */
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { conflict, notFound, validationFailed } from '../../http/errors.js';
import type { AuditActor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import type { SchoolServices } from '../services.js';
import { approvalKindOf } from './kinds.js';
import { approvalById, decideApproval, isClaimed, setApprovalClaim, type ApprovalRow } from './store.js';

type Deps = Pick<SchoolServices, 'db' | 'config' | 'workflows'>;

export type Decision = { status: 'approved'; edits?: Record<string, unknown> | undefined } | { status: 'rejected'; reason: string };

/** Checks the draft after `edits` (top-level fields of the draft replaced) against the kind's schema: a 400 naming each bad field. */
function checkEdits(row: ApprovalRow, edits: Record<string, unknown>): void {
  const draft = (row.draft ?? {}) as Record<string, unknown>;
  const unknownFields = Object.keys(edits).filter((field) => !(field in draft));
  if (unknownFields.length > 0) throw validationFailed(unknownFields.map((field) => ({ field: `body.edits.${field}`, message: 'is not a field of the draft' })));
  const kind = approvalKindOf(row.kind);
  if (!kind) throw conflict(`Approvals of kind ${row.kind} cannot be edited here (unknown kind); approve or reject them as drafted`);
  const checked = kind.schema.safeParse({ ...draft, ...edits });
  if (!checked.success) {
    throw validationFailed(checked.error.issues.map((issue) => ({ field: ['body', 'edits', ...issue.path.map(String)].join('.'), message: issue.message })));
  }
}

export async function decide(deps: Deps, caller: Caller, actor: AuditActor, id: number, decision: Decision, now: () => number = Date.now): Promise<ApprovalRow> {
  const inCallerTx = <T>(work: (sql: ReturnType<typeof sqlExecutorOf>) => Promise<T>): Promise<T> => asCaller(deps.db, caller, (orm) => work(sqlExecutorOf(orm)));
  const edits = decision.status === 'approved' && decision.edits && Object.keys(decision.edits).length > 0 ? decision.edits : null;
  const reason = decision.status === 'rejected' ? decision.reason : null;

  // Checked (and, for a kind applied on approval, claimed) under the row's lock.
  const checked = await inCallerTx(async (sql) => {
    const row = await approvalById(sql, id, { lock: true });
    if (!row) throw notFound(`Approval ${id}`);
    if (row.status !== 'pending') throw conflict(`Approval ${id} is ${row.status} already; it cannot be decided again`);
    if (isClaimed(row, now())) throw conflict(`Approval ${id} is being approved by another request (since ${row.claimedAt})`);
    if (edits) checkEdits(row, edits);
    const apply = decision.status === 'approved' ? approvalKindOf(row.kind)?.apply : undefined;
    if (apply) await setApprovalClaim(sql, id, true);
    return { row, apply };
  });

  let outcome: string | null = null;
  if (checked.apply) {
    const draft = approvalKindOf(checked.row.kind)!.schema.parse({ ...(checked.row.draft as object), ...(edits ?? {}) });
    try {
      outcome = await checked.apply(deps, draft, { actor, approvalId: id });
    } catch (error) {
      await inCallerTx((sql) => setApprovalClaim(sql, id, false));
      throw error;
    }
  }

  const decided = await inCallerTx(async (sql) => {
    if (!(await decideApproval(sql, id, { status: decision.status, by: caller.userId, edits, reason, outcome }))) throw conflict(`Approval ${id} was decided meanwhile`);
    await recordAudit(sql, actor, {
      action: `approval.${decision.status}`,
      entity: 'approval',
      entityId: id,
      before: { status: checked.row.status },
      after: { status: decision.status, edits, reason, outcome, runId: checked.row.runId },
    });
    return (await approvalById(sql, id))!;
  });
  // After the commit: the run goes on. Lost signal → the run still finds the decision at its deadline.
  try {
    await deps.workflows.signal(decided.runId, decided.signal, { approvalId: id, status: decided.status });
  } catch {
    // The decision is committed: the run reads it from the row when its wait's deadline passes.
  }
  return decided;
}
