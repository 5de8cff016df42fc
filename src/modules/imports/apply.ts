import type { TxHandle } from '../../db/orm-sql.js';
import type { ImportKind } from './columns.js';
import { importFamilyRow } from './families.js';
import { importHoursRow } from './hours.js';
import type { ImportRow } from './parse.js';
import type { RowContext, RowOutcome } from './row-context.js';
import { importTeacherRow } from './teachers.js';
import { RowProblem } from './values.js';

/** What happened to one row: `errors` name the file's column (its header). */
export interface RowReport {
  row: number;
  outcome: RowOutcome | 'error';
  errors: Array<{ column: string; message: string }>;
}

export interface ImportTotals {
  total: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
}

const handlers: Record<ImportKind, (ctx: RowContext, values: Readonly<Record<string, string>>) => Promise<RowOutcome>> = {
  families: importFamilyRow,
  teachers: importTeacherRow,
  'weekly-hours': importHoursRow,
};

const SAVEPOINT = 'import_row';

/**
 * Applies `rows` in the context's open transaction, each row in a savepoint: a row refused by
 * validation or a rule leaves nothing behind and is reported with its issues; the others stay.
 * Any other error (the database gone, a bug) is thrown: the caller's transaction rolls back whole.
 */
export async function applyRows(ctx: RowContext, kind: ImportKind, rows: readonly ImportRow[], headers: Readonly<Record<string, string>>): Promise<RowReport[]> {
  const tx: TxHandle = ctx.tx;
  const reports: RowReport[] = [];
  for (const row of rows) {
    await tx.sql.exec(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const outcome = await handlers[kind](ctx, row.values);
      await tx.sql.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      reports.push({ row: row.row, outcome, errors: [] });
    } catch (error) {
      await tx.sql.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      if (!(error instanceof RowProblem)) throw error;
      reports.push({ row: row.row, outcome: 'error', errors: error.issues.map((issue) => ({ column: headers[issue.field] ?? issue.field, message: issue.message })) });
    }
  }
  return reports;
}

export function totalsOf(reports: readonly RowReport[]): ImportTotals {
  const count = (outcome: RowReport['outcome']) => reports.filter((r) => r.outcome === outcome).length;
  return { total: reports.length, created: count('created'), updated: count('updated'), skipped: count('skipped'), errors: count('error') };
}
