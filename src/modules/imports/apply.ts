import type { ImportKind } from './columns.js';
import { applyFamilyRows } from './family-batch.js';
import { importHoursRow } from './hours.js';
import type { ImportRow } from './parse.js';
import type { RowContext } from './row-context.js';
import { applyInSavepoint, type RowHandler, type RowReport } from './savepoint.js';
import { importTeacherRow } from './teachers.js';

export type { RowReport } from './savepoint.js';

export interface ImportTotals {
  total: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
}

const handlers: Record<Exclude<ImportKind, 'families'>, RowHandler> = {
  teachers: importTeacherRow,
  'weekly-hours': importHoursRow,
};

/**
 * Applies `rows` in the context's open transaction; a row refused by validation or a rule leaves
 * nothing behind and is reported with its issues, the others stay. Families go by batch
 * (family-batch.ts: a few statements for the whole batch); teachers and hours one row at a time,
 * each in a savepoint. Any other error (the database gone, a bug) is thrown: the caller's
 * transaction rolls back whole.
 */
export async function applyRows(ctx: RowContext, kind: ImportKind, rows: readonly ImportRow[], headers: Readonly<Record<string, string>>): Promise<RowReport[]> {
  if (kind === 'families') return applyFamilyRows(ctx, rows, headers);
  const reports: RowReport[] = [];
  for (const row of rows) reports.push(await applyInSavepoint(ctx, handlers[kind], row, headers));
  return reports;
}

export function totalsOf(reports: readonly RowReport[]): ImportTotals {
  const count = (outcome: RowReport['outcome']) => reports.filter((r) => r.outcome === outcome).length;
  return { total: reports.length, created: count('created'), updated: count('updated'), skipped: count('skipped'), errors: count('error') };
}
