import { stringify } from 'csv-stringify/sync';
import type { ReportAnswer } from './schemas.js';

/** Text a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A report as CSV: a header row (`columns`), the rows, then, when the report has totals, a last
 * row whose first column says `total` and which holds the totals under their columns. Empty cells
 * for nulls; text that a spreadsheet would take for a formula (a name starting with `=`) is
 * prefixed with `'`, so opening the file never runs it. Numbers are written as they are.
 */
export function reportCsv(answer: ReportAnswer): string {
  const safe = (value: unknown): unknown => (typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value);
  const records: Record<string, unknown>[] = answer.rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, safe(value)])));
  if (answer.totals) records.push({ ...answer.totals, [answer.columns[0]!]: 'total' });
  return stringify(records, { header: true, columns: answer.columns.map((key) => ({ key })) });
}
