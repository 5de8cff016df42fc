import type { SqlExecutor } from '../../db/sql-client.js';
import type { ImportKind } from './columns.js';
import type { ImportView } from './schemas.js';

interface Row {
  id: number;
  kind: ImportKind;
  status: ImportView['status'];
  run_status: string | null;
  run_error: { message?: string } | null;
  file_name: string | null;
  invite: boolean;
  run_id: string | null;
  total_rows: number;
  processed_rows: number;
  created_count: number;
  updated_count: number;
  skipped_count: number;
  error_count: number;
  row_errors: ImportView['errors'];
  failure: string | null;
  created_by: number | null;
  created_at: string;
  finished_at: string | null;
}

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const SELECT = `SELECT i.id, i.kind, i.status, r.status AS run_status, r.error AS run_error, i.file_name, i.invite, i.run_id::text AS run_id,
    i.total_rows, i.processed_rows, i.created_count, i.updated_count, i.skipped_count, i.error_count, i.row_errors, i.failure, i.created_by,
    ${iso('i.created_at')} AS created_at, ${iso('i.finished_at')} AS finished_at
  FROM imports i LEFT JOIN workflow_run_states r ON r.run_id = i.run_id`;

/** Runs that ended without finishing the import. */
const failedRunStatuses = new Set(['failed', 'compensated', 'cancelled', 'stopped']);

function toView(row: Row, withErrors: boolean): ImportView {
  const runFailed = row.status !== 'completed' && row.run_status !== null && failedRunStatuses.has(row.run_status);
  return {
    id: Number(row.id),
    kind: row.kind,
    status: runFailed ? 'failed' : row.status,
    fileName: row.file_name,
    invite: row.invite,
    runId: row.run_id,
    counts: {
      total: Number(row.total_rows),
      processed: Number(row.processed_rows),
      created: Number(row.created_count),
      updated: Number(row.updated_count),
      skipped: Number(row.skipped_count),
      errors: Number(row.error_count),
    },
    errors: withErrors ? row.row_errors : [],
    failure: row.failure ?? (runFailed ? `the import run ${row.run_status}: ${row.run_error?.message ?? 'see the run'}` : null),
    createdBy: row.created_by === null ? null : Number(row.created_by),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

export async function findImport(sql: SqlExecutor, id: number): Promise<ImportView | undefined> {
  const [row] = await sql.query<Row>(`${SELECT} WHERE i.id = $1`, [id]);
  return row ? toView(row, true) : undefined;
}

/** Newest first; row errors are left out of the list (GET one import for them). */
export async function listImports(sql: SqlExecutor, page: number, pageSize: number): Promise<{ data: ImportView[]; total: number }> {
  const rows = await sql.query<Row>(`${SELECT} ORDER BY i.created_at DESC, i.id DESC LIMIT $1 OFFSET $2`, [pageSize, (page - 1) * pageSize]);
  const [count] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM imports');
  return { data: rows.map((row) => toView(row, false)), total: Number(count?.n ?? 0) };
}
