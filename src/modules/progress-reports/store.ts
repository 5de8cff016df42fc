/**
 * SQL of progress_reports. Workflow nodes pass their `ctx.transaction` executor; the list route
 * passes the caller's transaction (row-level security: admins only). Dates come back as
 * 'YYYY-MM-DD', instants as ISO 8601 (UTC).
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { PermanentError } from '../../engine/index.js';
import type { ProgressReportDraft } from './task.js';
import type { AttentionFlag, ReportCadence } from './types.js';

export const reportStatuses = ['pending', 'approved', 'sent', 'rejected', 'expired'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

export interface NewReport {
  studentId: number;
  parentId: number;
  from: string;
  to: string;
  cadence: ReportCadence;
  figures: unknown;
  flags: AttentionFlag[];
  draft: ProgressReportDraft;
  source: string;
  rulesReason: string | null;
  shared: unknown;
  runId: string;
}

/** Inserts the run's report (once per student and period); a report of that period by another run is a PermanentError. */
export async function insertReport(sql: SqlExecutor, r: NewReport): Promise<number> {
  const [row] = await sql.query<{ id: number; run_id: string | null }>(
    `WITH inserted AS (
       INSERT INTO progress_reports (student_id, parent_id, period_from, period_to, cadence, figures, flags, draft, source, rules_reason, shared, run_id)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11::jsonb, $12)
       ON CONFLICT (student_id, period_from, period_to) DO NOTHING RETURNING id, run_id)
     SELECT id, run_id::text FROM inserted
     UNION ALL SELECT id, run_id::text FROM progress_reports WHERE student_id = $1 AND period_from = $3 AND period_to = $4
     LIMIT 1`,
    [
      r.studentId,
      r.parentId,
      r.from,
      r.to,
      r.cadence,
      JSON.stringify(r.figures),
      JSON.stringify(r.flags),
      JSON.stringify(r.draft),
      r.source,
      r.rulesReason,
      JSON.stringify(r.shared),
      r.runId,
    ],
  );
  if (row!.run_id !== r.runId) throw new PermanentError(`student ${r.studentId} has a report for ${r.from}–${r.to} already (report ${row!.id})`);
  return row!.id;
}

/** Records the approver's decision; `sentText` with status 'sent' (the message as mailed). */
export async function settleReport(sql: SqlExecutor, id: number, outcome: { status: Exclude<ReportStatus, 'pending'>; approvalId: number; sentText?: string }): Promise<void> {
  await sql.query(
    `UPDATE progress_reports SET status = $2, approval_id = $3, decided_at = coalesce(decided_at, now()),
       sent_text = coalesce($4, sent_text), sent_at = CASE WHEN $2 = 'sent' THEN coalesce(sent_at, now()) ELSE sent_at END
     WHERE id = $1`,
    [id, outcome.status, outcome.approvalId, outcome.sentText ?? null],
  );
}

/** A report as the API lists it. */
export interface ReportRow {
  id: number;
  studentId: number;
  studentName: string;
  parentId: number | null;
  from: string;
  to: string;
  cadence: ReportCadence;
  status: ReportStatus;
  flags: AttentionFlag[];
  draft: ProgressReportDraft;
  sentText: string | null;
  source: string;
  rulesReason: string | null;
  approvalId: number | null;
  runId: string | null;
  createdAt: string;
  decidedAt: string | null;
  sentAt: string | null;
}

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface ReportFilter {
  /** Reports whose period overlaps from–to (local dates, inclusive). */
  from?: string | undefined;
  to?: string | undefined;
  status?: ReportStatus | undefined;
  studentId?: number | undefined;
  flagged?: boolean | undefined;
  limit: number;
  offset: number;
}

/** Reports, newest period first, with the approval waiting for each (pending ones too). */
export async function listReports(sql: SqlExecutor, f: ReportFilter): Promise<{ rows: ReportRow[]; total: number }> {
  const rows = await sql.query<ReportRow & { total: number }>(
    `SELECT r.id, r.student_id AS "studentId", s.first_name || ' ' || s.last_name AS "studentName", r.parent_id AS "parentId",
       r.period_from::text AS "from", r.period_to::text AS "to", r.cadence, r.status, r.flags, r.draft, r.sent_text AS "sentText",
       r.source, r.rules_reason AS "rulesReason",
       coalesce(r.approval_id, (SELECT a.id FROM approvals a WHERE a.run_id = r.run_id AND a.kind = 'progress-report' ORDER BY a.id LIMIT 1)) AS "approvalId",
       r.run_id::text AS "runId", ${iso('r.created_at')} AS "createdAt", ${iso('r.decided_at')} AS "decidedAt", ${iso('r.sent_at')} AS "sentAt",
       count(*) OVER ()::int AS total
     FROM progress_reports r JOIN students s ON s.id = r.student_id
     WHERE ($1::date IS NULL OR r.period_to >= $1::date) AND ($2::date IS NULL OR r.period_from <= $2::date)
       AND ($3::text IS NULL OR r.status = $3) AND ($4::int IS NULL OR r.student_id = $4)
       AND ($5::boolean IS NULL OR (jsonb_array_length(r.flags) > 0) = $5)
     ORDER BY r.period_from DESC, r.period_to DESC, r.id DESC LIMIT $6 OFFSET $7`,
    [f.from ?? null, f.to ?? null, f.status ?? null, f.studentId ?? null, f.flagged ?? null, f.limit, f.offset],
  );
  return { rows: rows.map(({ total: _total, ...row }) => row), total: rows[0]?.total ?? 0 };
}
