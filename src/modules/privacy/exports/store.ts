/** The privacy_exports rows (migration 0025): raw SQL, read with the caller's executor (row-level security). */
import type { SqlExecutor } from '../../../db/sql-client.js';
import type { FileCounts } from './zip.js';

export const exportStatuses = ['pending', 'ready', 'failed', 'expired'] as const;
export type ExportStatus = (typeof exportStatuses)[number];

export interface ExportRecord {
  id: number;
  userId: number;
  requestedBy: number | null;
  status: ExportStatus;
  runId: string | null;
  counts: FileCounts;
  archiveBytes: number | null;
  sha256: string | null;
  error: string | null;
  readyAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, user_id AS "userId", requested_by AS "requestedBy", status, run_id AS "runId", counts, archive_bytes AS "archiveBytes",
  sha256, error, ready_at AS "readyAt", expires_at AS "expiresAt", created_at AS "createdAt"`;

/** A new pending export of `userId`'s data asked by `requestedBy`; its id. */
export async function insertExport(sql: SqlExecutor, userId: number, requestedBy: number): Promise<number> {
  const [row] = await sql.query<{ id: number }>('INSERT INTO privacy_exports (user_id, requested_by) VALUES ($1, $2) RETURNING id', [userId, requestedBy]);
  return row!.id;
}

export async function setExportRun(sql: SqlExecutor, id: number, runId: string): Promise<void> {
  await sql.query('UPDATE privacy_exports SET run_id = $2 WHERE id = $1 AND run_id IS NULL', [id, runId]);
}

/** The export without its archive; undefined when it does not exist (or the caller may not see it). */
export async function readExport(sql: SqlExecutor, id: number, options: { forUpdate?: boolean } = {}): Promise<ExportRecord | undefined> {
  const [row] = await sql.query<ExportRecord>(`SELECT ${COLUMNS} FROM privacy_exports WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row;
}

/** The archive of a ready export (null once expired or before it is made). */
export async function readArchive(sql: SqlExecutor, id: number): Promise<Buffer | null> {
  const [row] = await sql.query<{ archive: Uint8Array | null }>('SELECT archive FROM privacy_exports WHERE id = $1', [id]);
  return row?.archive ? Buffer.from(row.archive) : null;
}

/** Stores the finished archive: the export is ready until `expiresAt`. */
export async function storeArchive(sql: SqlExecutor, id: number, made: { zip: Buffer; sha256: string; counts: FileCounts; readyAt: Date; expiresAt: Date }): Promise<void> {
  await sql.query(
    `UPDATE privacy_exports SET status = 'ready', archive = $2, archive_bytes = $3, sha256 = $4, counts = $5::jsonb, ready_at = $6, expires_at = $7, error = NULL
     WHERE id = $1`,
    [id, made.zip, made.zip.length, made.sha256, JSON.stringify(made.counts), made.readyAt, made.expiresAt],
  );
}

/** Deletes the archive of a ready export (its time is up); whether it was still there. */
export async function expireExport(sql: SqlExecutor, id: number): Promise<boolean> {
  const rows = await sql.query(`UPDATE privacy_exports SET status = 'expired', archive = NULL WHERE id = $1 AND status = 'ready' RETURNING id`, [id]);
  return rows.length > 0;
}

/** Records why an export could not be made. */
export async function failExport(sql: SqlExecutor, id: number, error: string): Promise<void> {
  await sql.query(`UPDATE privacy_exports SET status = 'failed', error = $2 WHERE id = $1 AND status = 'pending'`, [id, error.slice(0, 1000)]);
}

/** A page of exports, newest first (with the caller's executor: a non-admin sees the ones they asked for). */
export async function listExports(sql: SqlExecutor, query: { userId?: number | undefined; page: number; pageSize: number }): Promise<{ rows: ExportRecord[]; total: number }> {
  const where = query.userId === undefined ? '' : 'WHERE user_id = $1';
  const params: unknown[] = query.userId === undefined ? [] : [query.userId];
  const [count] = await sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM privacy_exports ${where}`, params);
  const rows = await sql.query<ExportRecord>(
    `SELECT ${COLUMNS} FROM privacy_exports ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, query.pageSize, (query.page - 1) * query.pageSize],
  );
  return { rows, total: count?.total ?? 0 };
}
