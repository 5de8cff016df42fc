import { stringify } from 'csv-stringify/sync';
import type { ReportAnswer } from './schemas.js';

/**
 * A report as CSV: a header row (`columns`), the rows, then, when the report has totals, a last
 * row whose first column says `total` and which holds the totals under their columns.
 */
export function reportCsv(answer: ReportAnswer): string {
  const records: Record<string, unknown>[] = [...answer.rows];
  if (answer.totals) records.push({ ...answer.totals, [answer.columns[0]!]: 'total' });
  return stringify(records, { header: true, columns: answer.columns.map((key) => ({ key })) });
}
