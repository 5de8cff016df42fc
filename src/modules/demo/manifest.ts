/**
 * The manifest of the demo school: every row the demo seed inserted, by table and id, in
 * `demo_records` (migration 0022). The seed records each row in the transaction that inserts it;
 * the removal (removal.ts) removes exactly those rows.
 */
import type { SqlExecutor } from '../../db/sql-client.js';

/** The tables the demo seed writes, in the order the removal deletes them (referencing rows first). */
export const demoTables = ['lessons', 'consents', 'students', 'teacher_availability', 'teachers', 'users', 'closures', 'semesters', 'academic_years'] as const;
export type DemoTable = (typeof demoTables)[number];

/** Records that the demo seed inserted row `id` of `table` (in the seed's transaction). */
export async function recordDemoRow(tx: SqlExecutor, table: DemoTable, id: number): Promise<void> {
  await tx.query('INSERT INTO demo_records (table_name, record_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [table, id]);
}

/** The manifest: the demo ids of each table (tables without any are absent). */
export async function readManifest(tx: SqlExecutor): Promise<Map<DemoTable, number[]>> {
  const rows = await tx.query<{ table_name: DemoTable; ids: number[] }>('SELECT table_name, array_agg(record_id ORDER BY record_id) AS ids FROM demo_records GROUP BY table_name');
  return new Map(rows.map((r) => [r.table_name, r.ids]));
}
