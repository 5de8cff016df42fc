/**
 * Deciding an approval (POST /api/v1/approvals/{id}/approve | reject, admins): the decision is
 * committed with its audit row, then the waiting run is signalled and goes on. Deciding anything
 * but a pending approval is a 409; edits must name fields of the draft and leave a draft its kind's
 * schema accepts (else 400 naming `body.edits.<field>`; nothing changes).
 */
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { conflict, notFound, validationFailed } from '../../http/errors.js';
import type { AuditActor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import type { SchoolServices } from '../services.js';
import { approvalKindOf } from './kinds.js';
import { approvalById, decideApproval, type ApprovalRow } from './store.js';

type Deps = Pick<SchoolServices, 'db' | 'workflows'>;

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

export async function decide(deps: Deps, caller: Caller, actor: AuditActor, id: number, decision: Decision): Promise<ApprovalRow> {
  const decided = await asCaller(deps.db, caller, async (orm) => {
    const sql = sqlExecutorOf(orm);
    const row = await approvalById(sql, id, { lock: true });
    if (!row) throw notFound(`Approval ${id}`);
    if (row.status !== 'pending') throw conflict(`Approval ${id} is ${row.status} already; it cannot be decided again`);
    const edits = decision.status === 'approved' && decision.edits && Object.keys(decision.edits).length > 0 ? decision.edits : null;
    if (edits) checkEdits(row, edits);
    const reason = decision.status === 'rejected' ? decision.reason : null;
    if (!(await decideApproval(sql, id, { status: decision.status, by: caller.userId, edits, reason }))) throw conflict(`Approval ${id} was decided meanwhile`);
    await recordAudit(sql, actor, {
      action: `approval.${decision.status}`,
      entity: 'approval',
      entityId: id,
      before: { status: row.status },
      after: { status: decision.status, edits, reason, runId: row.runId },
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
