import type { EngineSqlExecutor } from './sql.js';

/** Every JSON column of the engine's tables that carries data the workflows were given or made. */
const JSON_COLUMNS: ReadonlyArray<{ table: string; runColumn: string; columns: readonly string[] }> = [
  { table: 'workflow_runs', runColumn: 'id', columns: ['event', 'metadata', 'result', 'error'] },
  { table: 'workflow_steps', runColumn: 'run_id', columns: ['output', 'error'] },
  { table: 'workflow_transactions', runColumn: 'run_id', columns: ['result'] },
  { table: 'workflow_signals', runColumn: 'run_id', columns: ['payload'] },
];

/** Ids of the runs any of whose JSON values matches $3. */
const RUNS_MATCHING = JSON_COLUMNS.map(({ table, runColumn, columns }) => `SELECT ${runColumn} FROM ${table} WHERE ${columns.map((c) => `${c}::text ~* $3`).join(' OR ')}`).join(
  ' UNION ',
);

/**
 * Redacts data out of stored runs (a privacy erasure): in every JSON value the engine keeps (run
 * events, metadata, results and errors, node outputs and errors, transaction results, signal
 * payloads) each match of `pattern` (a PostgreSQL regular expression, matched case-insensitively
 * against the JSON text) is replaced by `replacement`, which must need no JSON escaping (no `"` or
 * `\`). With `runsMatching` (a pattern) only the runs some JSON value of which matches it are
 * redacted. Runs, statuses and checkpoints are otherwise unchanged. Returns the number of values changed.
 */
export async function redactWorkflowData(sql: EngineSqlExecutor, pattern: string, replacement: string, options: { runsMatching?: string } = {}): Promise<number> {
  if (/["\\]/.test(replacement)) throw new Error('redactWorkflowData: the replacement must need no JSON escaping');
  let changed = 0;
  for (const { table, runColumn, columns } of JSON_COLUMNS) {
    for (const column of columns) {
      const scope = options.runsMatching === undefined ? '$3::text IS NULL' : `${runColumn} IN (${RUNS_MATCHING})`;
      const rows = await sql.query<{ n: number }>(
        `WITH changed AS (
           UPDATE ${table} SET ${column} = regexp_replace(${column}::text, $1, $2, 'gi')::jsonb
           WHERE ${column} IS NOT NULL AND ${column}::text ~* $1 AND ${scope} RETURNING 1)
         SELECT count(*)::int AS n FROM changed`,
        [pattern, replacement, options.runsMatching ?? null],
      );
      changed += rows[0]?.n ?? 0;
    }
  }
  return changed;
}
