import type { ImportRow } from './parse.js';
import type { RowContext, RowOutcome } from './row-context.js';
import { RowProblem } from './values.js';

/** What happened to one row: `errors` name the file's column (its header). */
export interface RowReport {
  row: number;
  outcome: RowOutcome | 'error';
  errors: Array<{ column: string; message: string }>;
}

/** Applies one row of some kind: its outcome, or a RowProblem naming the import's fields. */
export type RowHandler = (ctx: RowContext, values: Readonly<Record<string, string>>) => Promise<RowOutcome>;

const SAVEPOINT = 'import_row';

/** The report of a row refused with `problem`, its issues under the file's own headers. */
export function problemReport(row: ImportRow, problem: RowProblem, headers: Readonly<Record<string, string>>): RowReport {
  return { row: row.row, outcome: 'error', errors: problem.issues.map((issue) => ({ column: headers[issue.field] ?? issue.field, message: issue.message })) };
}

/**
 * Applies one row in a savepoint (two more round trips): a row refused by validation or a rule
 * leaves nothing behind and is reported with its issues. Any other error (the database gone, a
 * bug) is thrown: the caller's transaction rolls back whole.
 */
export async function applyInSavepoint(ctx: RowContext, handler: RowHandler, row: ImportRow, headers: Readonly<Record<string, string>>): Promise<RowReport> {
  await ctx.tx.sql.exec(`SAVEPOINT ${SAVEPOINT}`);
  try {
    const outcome = await handler(ctx, row.values);
    await ctx.tx.sql.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return { row: row.row, outcome, errors: [] };
  } catch (error) {
    await ctx.tx.sql.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    if (!(error instanceof RowProblem)) throw error;
    return problemReport(row, error, headers);
  }
}
