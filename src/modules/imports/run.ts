/**
 * Running an import: the dry run (every row applied in one transaction that is rolled back), and
 * the real run in batches of BATCH_ROWS rows, each batch one transaction that also moves the
 * import's checkpoint (`processed_rows`) and adds its counts and row errors: a batch happens
 * wholly or not at all, so a run resumed after a crash goes on at the first unfinished batch.
 */
import type { AppConfig } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { TxHandle } from '../../db/orm-sql.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { txOpener } from '../../db/transactions.js';
import { todayIn } from '../records/common.js';
import { schoolSettings } from '../settings/reader.js';
import { applyRows, totalsOf, type ImportTotals, type RowReport } from './apply.js';
import type { ImportKind } from './columns.js';
import type { ImportRow, ParsedImport } from './parse.js';
import type { RowContext } from './row-context.js';
import type { KnownSettings } from '../settings/types.js';

/** Rows per transaction (and per checkpoint) of a real run. */
export const BATCH_ROWS = 50;

export interface ImportDeps {
  db: Database;
  config: AppConfig;
}

export interface ImportOptions {
  kind: ImportKind;
  invite: boolean;
  /** The admin importing (audit rows name them). */
  adminId: number;
}

/** The context of rows applied in `tx`; `settings` are read before the transaction opens (PGlite has one connection). */
function rowContext(deps: ImportDeps, tx: TxHandle, settings: KnownSettings, options: ImportOptions, requestId: string): RowContext {
  return {
    tx,
    actor: { userId: options.adminId, role: 'admin', requestId },
    admin: { userId: options.adminId, role: 'admin' },
    settings,
    today: todayIn(settings.timezone),
    invite: options.invite,
    publicAppUrl: deps.config.publicAppUrl,
    mailQueued: false,
  };
}

class DryRunRollback extends Error {}

/** Applies every row and rolls everything back: the report of what a real run would do now. */
export async function dryRunImport(deps: ImportDeps, options: ImportOptions, parsed: ParsedImport): Promise<{ totals: ImportTotals; rows: RowReport[] }> {
  const settings = await schoolSettings(deps.db, deps.config).get();
  const reports: RowReport[] = [];
  try {
    await txOpener(deps.db)(async (tx) => {
      const ctx = rowContext(deps, tx, settings, options, 'import:dry-run');
      // By BATCH_ROWS as a real run goes (a batch's multi-row statements stay within the parameter limit).
      for (let from = 0; from < parsed.rows.length; from += BATCH_ROWS) {
        reports.push(...(await applyRows(ctx, options.kind, parsed.rows.slice(from, from + BATCH_ROWS), parsed.headers)));
      }
      throw new DryRunRollback();
    });
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  return { totals: totalsOf(reports), rows: reports };
}

/** Records an import waiting for its workflow; returns its id. */
export async function createImport(sql: SqlExecutor, options: ImportOptions, parsed: ParsedImport, fileName: string | undefined): Promise<number> {
  const [row] = await sql.query<{ id: number }>(
    `INSERT INTO imports (kind, invite, file_name, columns, pending_rows, total_rows, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [options.kind, options.invite, fileName ?? null, JSON.stringify(parsed.headers), JSON.stringify(parsed.rows), parsed.rows.length, options.adminId],
  );
  return Number(row!.id);
}

export interface BatchResult {
  processed: number;
  total: number;
  done: boolean;
  /** A row queued mail (an invitation): deliver it. */
  mailQueued: boolean;
}

/** Applies the next batch of import `id` and moves its checkpoint, in one transaction. */
export async function runNextBatch(deps: ImportDeps, id: number): Promise<BatchResult> {
  const settings = await schoolSettings(deps.db, deps.config).get();
  return txOpener(deps.db)(async (tx) => {
    const [state] = await tx.sql.query<{
      kind: ImportKind;
      invite: boolean;
      columns: Record<string, string>;
      processed_rows: number;
      total_rows: number;
      created_by: number | null;
    }>('SELECT kind, invite, columns, processed_rows, total_rows, created_by FROM imports WHERE id = $1 FOR UPDATE', [id]);
    if (!state) throw new Error(`import ${id} does not exist`);
    const from = Number(state.processed_rows);
    const total = Number(state.total_rows);
    if (from >= total) return { processed: from, total, done: true, mailQueued: false };
    const [slice] = await tx.sql.query<{ rows: ImportRow[] | null }>(
      `SELECT jsonb_agg(e ORDER BY i) AS rows FROM imports, jsonb_array_elements(pending_rows) WITH ORDINALITY AS t(e, i) WHERE id = $1 AND i > $2 AND i <= $3`,
      [id, from, from + BATCH_ROWS],
    );
    const rows = slice?.rows ?? [];
    const options = { kind: state.kind, invite: state.invite, adminId: Number(state.created_by ?? 0) };
    const ctx = rowContext(deps, tx, settings, options, `import:${id}`);
    if (state.created_by === null) ctx.actor = { userId: null, role: 'system', requestId: `import:${id}` };
    const reports = await applyRows(ctx, state.kind, rows, state.columns);
    const totals = totalsOf(reports);
    const errors = reports.filter((r) => r.outcome === 'error').map(({ row, errors: issues }) => ({ row, errors: issues }));
    await tx.sql.query(
      `UPDATE imports SET status = 'running', failure = NULL, finished_at = NULL, processed_rows = processed_rows + $2, created_count = created_count + $3, updated_count = updated_count + $4,
         skipped_count = skipped_count + $5, error_count = error_count + $6, row_errors = row_errors || $7::jsonb WHERE id = $1`,
      [id, rows.length, totals.created, totals.updated, totals.skipped, totals.errors, JSON.stringify(errors)],
    );
    const processed = from + rows.length;
    return { processed, total, done: processed >= total, mailQueued: ctx.mailQueued };
  });
}

/** Marks the import finished and drops its pending rows (they hold family data). */
export async function finishImport(deps: ImportDeps, id: number, failure?: string): Promise<void> {
  await deps.db.sql.query(`UPDATE imports SET status = $2, failure = $3, finished_at = now(), pending_rows = '[]' WHERE id = $1`, [
    id,
    failure === undefined ? 'completed' : 'failed',
    failure ?? null,
  ]);
}

/**
 * Marks the import failed with `error`'s message; the committed batches stay (the counts say how
 * far it got) and so do its pending rows, so retrying the run finishes it. Best effort: a database
 * that is gone leaves the status to the run's state, which GET /imports/{id} reads too.
 */
export async function failImport(deps: ImportDeps, id: number, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await deps.db.sql
    .query(`UPDATE imports SET status = 'failed', failure = $2, finished_at = now() WHERE id = $1 AND status <> 'completed'`, [id, message.slice(0, 2000)])
    .catch(() => undefined);
}
