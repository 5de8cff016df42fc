import type { SqlExecutor } from '../../db/sql-client.js';

/** Rows per table (`schema.table`), every base table outside PostgreSQL's own schemas. */
export type TableCounts = Record<string, number>;

/** Counts the rows of every table through `sql` (in a transaction: one consistent view). */
export async function countRows(sql: SqlExecutor): Promise<TableCounts> {
  const tables = await sql.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1, 2`,
  );
  if (tables.length === 0) return {};
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const union = tables.map((t, i) => `SELECT ${i} AS i, count(*)::int AS n FROM ${quote(t.schema)}.${quote(t.name)}`).join(' UNION ALL ');
  const rows = await sql.query<{ i: number; n: number }>(union);
  const counts: TableCounts = {};
  for (const row of rows) {
    const table = tables[row.i]!;
    counts[`${table.schema}.${table.name}`] = row.n;
  }
  return counts;
}

/** The tables whose counts differ between `expected` and `actual` (missing on one side counts as a difference). */
export function countMismatches(expected: TableCounts, actual: TableCounts): { table: string; expected: number | null; actual: number | null }[] {
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return tables.filter((t) => expected[t] !== actual[t]).map((table) => ({ table, expected: expected[table] ?? null, actual: actual[table] ?? null }));
}
