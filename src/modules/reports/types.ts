import type { SqlExecutor } from '../../db/sql-client.js';

/** One cell of a report row: text, an integer (cents, counts, minutes, seconds) or a ratio; null when unknown. */
export type ReportCell = string | number | null;
export type ReportRow = Record<string, ReportCell>;

/**
 * What every report query receives. Dates are local days in the school's zone (`timezone`),
 * `from`..`to` inclusive; `teacherId` limits the figures to one teacher (always set for a teacher caller).
 */
export interface ReportParams {
  timezone: string;
  from: string;
  to: string;
  groupBy: string;
  teacherId: number | null;
}

/** A report's answer: one flat table (`rows`, in `columns` order) and, where sums make sense, its totals. */
export interface ReportTable {
  columns: readonly string[];
  rows: ReportRow[];
  totals: ReportRow | null;
}

export interface ReportDefinition {
  name: string;
  /** The groupings `?groupBy` accepts; the first is the default. */
  groupings: readonly [string, ...string[]];
  /** Whether a teacher may read it (their own figures only); admin-only reports answer 403 to teachers. */
  teacherScoped: boolean;
  run(sql: SqlExecutor, params: ReportParams): Promise<ReportTable>;
}

/**
 * The SQL parameters every report statement shares, in this order: $1 zone, $2 first day, $3 last
 * day, $4 teacher id or null. `RANGE_BOUNDS` turns the days into the instants [lo, hi).
 */
export const sqlParams = (p: ReportParams): unknown[] => (p.teacherId === null ? [p.timezone, p.from, p.to] : [p.timezone, p.from, p.to, p.teacherId]);

/**
 * `AND <condition on $4>` when the report is limited to one teacher, else nothing: two distinct
 * statements, so each keeps its own plan (the limited one on the teacher's indexes).
 */
export const teacherScope = (p: ReportParams, condition: string): string => (p.teacherId === null ? '' : `AND ${condition}`);
export const RANGE_BOUNDS = `SELECT ($2::date)::timestamp AT TIME ZONE $1 AS lo, ($3::date + 1)::timestamp AT TIME ZONE $1 AS hi`;

/** Sums `columns` over `rows` (integers only). */
export function sumColumns(rows: readonly ReportRow[], columns: readonly string[]): ReportRow {
  const totals: ReportRow = {};
  for (const column of columns) totals[column] = rows.reduce((sum, row) => sum + (typeof row[column] === 'number' ? (row[column] as number) : 0), 0);
  return totals;
}
