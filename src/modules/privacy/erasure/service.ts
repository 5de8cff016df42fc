/**
 * Erasure requests: filed by a parent for their own family (waits for an admin) or by an admin
 * (approved at once); approved requests run the `privacy-erasure` workflow. Refused (409 naming the
 * balance) while the family owes money, unless an admin gives `overrideReason`. Queries run as the
 * caller (row-level security of migration 0026).
 */
import type { Database } from '../../../db/client.js';
import type { SqlExecutor } from '../../../db/sql-client.js';
import { conflict, notFound, validationFailed } from '../../../http/errors.js';
import { recordAudit, type AuditActor } from '../../audit/record.js';
import type { Caller } from '../../auth/scoped.js';
import { familyBalance } from '../../payments/balance.js';
import { asCallerSql } from '../../payments/read.js';
import type { WorkflowStarter } from '../../services.js';
import type { ErasureBody, ErasureStatus, ErasureView } from './schemas.js';
import { PRIVACY_ERASURE_WORKFLOW } from './workflow-name.js';

export interface ErasureDeps {
  db: Database;
  workflows: WorkflowStarter;
}

interface Row {
  id: number;
  user_id: number;
  requested_by: number | null;
  reason: string;
  status: ErasureStatus;
  run_status: string | null;
  override_reason: string | null;
  balance_cents: number;
  decided_by: number | null;
  decided_at: Date | null;
  rejection_reason: string | null;
  run_id: string | null;
  completed_at: Date | null;
  created_at: Date;
}

const SELECT = `SELECT e.*, r.status AS run_status FROM erasure_requests e LEFT JOIN workflow_run_states r ON r.run_id = e.run_id`;
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function toView(r: Row): ErasureView {
  // An approved request whose run failed for good reads `failed` (the run can be retried from its failed node).
  const status = r.status === 'approved' && (r.run_status === 'failed' || r.run_status === 'compensated' || r.run_status === 'cancelled') ? 'failed' : r.status;
  return {
    id: r.id,
    userId: r.user_id,
    requestedBy: r.requested_by,
    reason: r.reason,
    status,
    overrideReason: r.override_reason,
    balanceCents: r.balance_cents,
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    rejectionReason: r.rejection_reason,
    runId: r.run_id,
    statusUrl: `/api/v1/privacy/erasures/${r.id}`,
    completedAt: iso(r.completed_at),
    createdAt: r.created_at.toISOString(),
  };
}

/** 409 unless the family owes nothing or an admin overrides; returns what is owed (cents). */
async function checkBalance(sql: SqlExecutor, userId: number, override: string | undefined): Promise<number> {
  const balance = await familyBalance(sql, userId);
  if (balance.outstanding > 0 && override === undefined) {
    throw conflict(
      `The family of user ${userId} owes ${balance.outstanding} cents (failed payments ${balance.failed}, unpaid invoices ${balance.unpaidInvoices}): settle it first, or an admin approves with overrideReason`,
      { balanceCents: balance.outstanding, failedPaymentsCents: balance.failed, unpaidInvoicesCents: balance.unpaidInvoices },
    );
  }
  return balance.outstanding;
}

async function startErasure(deps: ErasureDeps, caller: Caller, id: number): Promise<ErasureView> {
  const { runId } = await deps.workflows.start(PRIVACY_ERASURE_WORKFLOW, { requestId: id }, { idempotencyKey: `privacy-erasure:${id}` });
  return asCallerSql(deps.db, caller, async (sql) => {
    await sql.query('UPDATE erasure_requests SET run_id = $2, updated_at = now() WHERE id = $1', [id, runId]);
    const [row] = await sql.query<Row>(`${SELECT} WHERE e.id = $1`, [id]);
    return toView(row!);
  });
}

/** POST /privacy/erasures. */
export async function requestErasure(deps: ErasureDeps, caller: Caller, actor: AuditActor, body: ErasureBody): Promise<ErasureView> {
  const admin = caller.role === 'admin';
  if (!admin && body.userId !== caller.userId) throw notFound(`User ${body.userId}`);
  if (!admin && body.overrideReason !== undefined) throw validationFailed([{ field: 'body.overrideReason', message: 'Only an admin may erase a family that owes money' }]);
  const created = await asCallerSql(deps.db, caller, async (sql) => {
    const [user] = await sql.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [body.userId]);
    if (!user) throw notFound(`User ${body.userId}`);
    if (user.role !== 'parent') throw validationFailed([{ field: 'body.userId', message: "Only a parent's family can be erased" }]);
    const [open] = await sql.query<{ id: number }>(`SELECT id FROM erasure_requests WHERE user_id = $1 AND status IN ('requested', 'approved')`, [body.userId]);
    if (open) throw conflict(`Erasure request ${open.id} for user ${body.userId} is already open`, { requestId: open.id });
    const owed = await checkBalance(sql, body.userId, admin ? body.overrideReason : undefined);
    const [row] = await sql.query<Row>(
      `INSERT INTO erasure_requests (user_id, requested_by, reason, status, override_reason, balance_cents, decided_by, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $4 = 'approved' THEN now() END) RETURNING *, NULL AS run_status`,
      [body.userId, caller.userId, body.reason, admin ? 'approved' : 'requested', admin ? (body.overrideReason ?? null) : null, admin ? owed : 0, admin ? caller.userId : null],
    );
    const view = toView(row!);
    await recordAudit(sql, actor, {
      action: admin ? 'erasure.approved' : 'erasure.requested',
      entity: 'erasure_request',
      entityId: view.id,
      after: { ...view, statusUrl: undefined },
    });
    return view;
  });
  return admin ? startErasure(deps, caller, created.id) : created;
}

/**
 * POST /privacy/erasures/{id}/approve (admin). An approved request whose run was never started
 * (the process stopped between the two) is started again; any other request not `requested` is a 409.
 */
export async function approveErasure(deps: ErasureDeps, caller: Caller, actor: AuditActor, id: number, overrideReason: string | undefined): Promise<ErasureView> {
  await asCallerSql(deps.db, caller, async (sql) => {
    const [row] = await sql.query<Row>('SELECT * FROM erasure_requests WHERE id = $1 FOR UPDATE', [id]);
    if (!row) throw notFound(`Erasure request ${id}`);
    // Approved, but its run was never started (the process stopped in between): start it now.
    if (row.status === 'approved' && row.run_id === null) return;
    if (row.status !== 'requested') throw conflict(`Erasure request ${id} is ${row.status}; only a requested one can be approved`, { status: row.status });
    const owed = await checkBalance(sql, row.user_id, overrideReason);
    await sql.query(
      `UPDATE erasure_requests SET status = 'approved', decided_by = $2, decided_at = now(), override_reason = $3, balance_cents = $4, updated_at = now() WHERE id = $1`,
      [id, caller.userId, overrideReason ?? null, owed],
    );
    await recordAudit(sql, actor, {
      action: 'erasure.approved',
      entity: 'erasure_request',
      entityId: id,
      before: { status: row.status },
      after: { status: 'approved', overrideReason: overrideReason ?? null, balanceCents: owed },
    });
  });
  return startErasure(deps, caller, id);
}

/** POST /privacy/erasures/{id}/reject (admin). */
export async function rejectErasure(deps: ErasureDeps, caller: Caller, actor: AuditActor, id: number, reason: string): Promise<ErasureView> {
  return asCallerSql(deps.db, caller, async (sql) => {
    const [row] = await sql.query<Row>('SELECT * FROM erasure_requests WHERE id = $1 FOR UPDATE', [id]);
    if (!row) throw notFound(`Erasure request ${id}`);
    if (row.status !== 'requested') throw conflict(`Erasure request ${id} is ${row.status}; only a requested one can be rejected`, { status: row.status });
    const [updated] = await sql.query<Row>(
      `UPDATE erasure_requests SET status = 'rejected', decided_by = $2, decided_at = now(), rejection_reason = $3, updated_at = now() WHERE id = $1 RETURNING *, NULL AS run_status`,
      [id, caller.userId, reason],
    );
    await recordAudit(sql, actor, { action: 'erasure.rejected', entity: 'erasure_request', entityId: id, before: { status: row.status }, after: { status: 'rejected', reason } });
    return toView(updated!);
  });
}

export async function getErasure(db: Database, caller: Caller, id: number): Promise<ErasureView> {
  const [row] = await asCallerSql(db, caller, (sql) => sql.query<Row>(`${SELECT} WHERE e.id = $1`, [id]));
  if (!row) throw notFound(`Erasure request ${id}`);
  return toView(row);
}

export async function listErasures(db: Database, caller: Caller, q: { status?: ErasureStatus | undefined; page: number; pageSize: number }) {
  return asCallerSql(db, caller, async (sql) => {
    const where = q.status ? 'WHERE e.status = $1' : 'WHERE $1::text IS NULL';
    const [count] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM erasure_requests e ${where}`, [q.status ?? null]);
    const rows = await sql.query<Row>(`${SELECT} ${where} ORDER BY e.created_at DESC, e.id DESC LIMIT $2 OFFSET $3`, [q.status ?? null, q.pageSize, (q.page - 1) * q.pageSize]);
    return { data: rows.map(toView), page: q.page, pageSize: q.pageSize, total: count?.n ?? 0 };
  });
}
