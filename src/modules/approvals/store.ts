/**
 * SQL of approvals. Routes pass the caller's transaction (row-level security: admins only);
 * workflow nodes pass their `ctx.transaction` executor. Instants come back as ISO 8601 (UTC).
 */
import type { SqlExecutor } from '../../db/sql-client.js';

export const approvalStatuses = ['pending', 'approved', 'rejected', 'expired'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

/** An approval as the API shows it. */
export interface ApprovalRow {
  id: number;
  kind: string;
  status: ApprovalStatus;
  title: string;
  draft: unknown;
  shared: unknown;
  source: string;
  runId: string;
  nodeId: string;
  signal: string;
  parentId: number | null;
  studentId: number | null;
  paymentId: number | null;
  expiresAt: string;
  decidedBy: number | null;
  decidedAt: string | null;
  edits: Record<string, unknown> | null;
  reason: string | null;
  /** What approving did (kinds applied on approval), else null. */
  outcome: string | null;
  /** Set while an approve request applies it. */
  claimedAt: string | null;
  createdAt: string;
}

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const columns = `id, kind, status, title, draft, shared, source, run_id AS "runId", node_id AS "nodeId", signal,
  parent_id AS "parentId", student_id AS "studentId", payment_id AS "paymentId", ${iso('expires_at')} AS "expiresAt",
  decided_by AS "decidedBy", ${iso('decided_at')} AS "decidedAt", edits, decision_reason AS reason, outcome, ${iso('claimed_at')} AS "claimedAt", ${iso('created_at')} AS "createdAt"`;

export interface NewApproval {
  kind: string;
  title: string;
  draft: unknown;
  shared: unknown;
  source: string;
  runId: string;
  nodeId: string;
  signal: string;
  parentId?: number | null;
  studentId?: number | null;
  paymentId?: number | null;
  /** From now (the database's clock), in ms. */
  timeoutMs: number;
}

/** Inserts the approval of a waiting node once (a node that runs again finds its row); returns its id. */
export async function insertApproval(sql: SqlExecutor, a: NewApproval): Promise<number> {
  const [row] = await sql.query<{ id: number }>(
    `WITH inserted AS (
       INSERT INTO approvals (kind, title, draft, shared, source, run_id, node_id, signal, parent_id, student_id, payment_id, expires_at)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, now() + make_interval(secs => $12::double precision / 1000))
       ON CONFLICT (run_id, node_id, signal) DO NOTHING RETURNING id)
     SELECT id FROM inserted UNION ALL SELECT id FROM approvals WHERE run_id = $6 AND node_id = $7 AND signal = $8`,
    [
      a.kind,
      a.title,
      JSON.stringify(a.draft),
      JSON.stringify(a.shared ?? null),
      a.source,
      a.runId,
      a.nodeId,
      a.signal,
      a.parentId ?? null,
      a.studentId ?? null,
      a.paymentId ?? null,
      a.timeoutMs,
    ],
  );
  return row!.id;
}

export async function approvalById(sql: SqlExecutor, id: number, options: { lock?: boolean } = {}): Promise<ApprovalRow | undefined> {
  const [row] = await sql.query<ApprovalRow>(`SELECT ${columns} FROM approvals WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`, [id]);
  return row;
}

export async function listApprovals(
  sql: SqlExecutor,
  filter: { status?: ApprovalStatus | undefined; kind?: string | undefined; limit: number; offset: number },
): Promise<{ rows: ApprovalRow[]; total: number }> {
  const where = `WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2)`;
  const params = [filter.status ?? null, filter.kind ?? null];
  const rows = await sql.query<ApprovalRow>(`SELECT ${columns} FROM approvals ${where} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`, [
    ...params,
    filter.limit,
    filter.offset,
  ]);
  const [count] = await sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM approvals ${where}`, params);
  return { rows, total: count?.total ?? 0 };
}

/** Records a decision on a pending approval; false when it was not pending any more. */
export async function decideApproval(
  sql: SqlExecutor,
  id: number,
  decision: { status: Exclude<ApprovalStatus, 'pending'>; by: number | null; edits?: Record<string, unknown> | null; reason?: string | null; outcome?: string | null },
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE approvals SET status = $2, decided_by = $3, decided_at = now(), edits = $4::jsonb, decision_reason = $5, outcome = $6, claimed_at = NULL
     WHERE id = $1 AND status = 'pending' RETURNING id`,
    [id, decision.status, decision.by, decision.edits ? JSON.stringify(decision.edits) : null, decision.reason ?? null, decision.outcome?.slice(0, 2000) ?? null],
  );
  return rows.length === 1;
}

/** An approve request that has not finished applying after this long (ms; its process died) no longer holds the approval. */
export const CLAIM_EXPIRES_MS = 10 * 60_000;

/** Marks a pending approval as being applied (or releases it: `claimed` false). */
export async function setApprovalClaim(sql: SqlExecutor, id: number, claimed: boolean): Promise<void> {
  await sql.query(`UPDATE approvals SET claimed_at = ${claimed ? 'now()' : 'NULL'} WHERE id = $1 AND status = 'pending'`, [id]);
}

/** True while an approve request applies the approval (claimed less than CLAIM_EXPIRES_MS ago). */
export const isClaimed = (row: ApprovalRow, now: number): boolean => row.claimedAt !== null && now - Date.parse(row.claimedAt) < CLAIM_EXPIRES_MS;

/** The approvals of one run (oldest first), e.g. a schedule review's suggestions. */
export async function approvalsOfRun(sql: SqlExecutor, runId: string, kind: string): Promise<ApprovalRow[]> {
  return sql.query<ApprovalRow>(`SELECT ${columns} FROM approvals WHERE run_id = $1 AND kind = $2 ORDER BY id`, [runId, kind]);
}

/** Pending approvals (the dashboard's count; served by the partial index approvals_pending_idx). */
export async function countPendingApprovals(sql: SqlExecutor): Promise<number> {
  const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM approvals WHERE status = 'pending'`);
  return row?.n ?? 0;
}
