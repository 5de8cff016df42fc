import { CsvError, parse } from 'csv-parse/sync';
import { validationFailed } from '../../http/errors.js';
import { fieldNames, planColumns, type ImportKind } from './columns.js';

/** Most data rows one file may hold (a school of 500 families needs about 600). */
export const MAX_IMPORT_ROWS = 5_000;

/** One data row: the line of the file where it ends (the header is line 1) and its values by field, trimmed. */
export interface ImportRow {
  row: number;
  values: Record<string, string>;
}

export interface ParsedImport {
  rows: ImportRow[];
  /** Field → the header the file used for it. */
  headers: Record<string, string>;
  /** Headers that matched no field (their values are not read). */
  ignoredColumns: string[];
}

const refuse = (message: string, field = 'body') => validationFailed([{ field, message }]);

/**
 * Reads a CSV file (RFC 4180: comma separated, double quotes, a UTF-8 byte order mark allowed,
 * blank lines skipped) whose first row is the header. Anything that prevents reading the rows
 * (a quote never closed, rows of another width, an empty file, a required column missing) is a
 * 400 naming the problem; problems of single values are reported per row later.
 */
export function parseImport(kind: ImportKind, text: string, mapping: Readonly<Record<string, string>> = {}): ParsedImport {
  const unknownTargets = Object.entries(mapping).filter(([, field]) => !fieldNames(kind).includes(field));
  if (unknownTargets.length > 0) {
    throw validationFailed(
      unknownTargets.map(([from, field]) => ({
        field: `querystring.mapping.${from}`,
        message: `"${field}" is not a column of a ${kind} import; columns: ${fieldNames(kind).join(', ')}`,
      })),
    );
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true, info: true }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
  } catch (error) {
    if (error instanceof CsvError) throw refuse(`The file is not valid CSV: ${error.message}`);
    throw error;
  }
  const header = records[0]?.record;
  const data = records.slice(1);
  if (!header || header.every((cell) => cell === '')) throw refuse('The file is empty: expected a header row and at least one data row');
  if (data.length === 0) throw refuse('The file has a header but no data rows');
  if (data.length > MAX_IMPORT_ROWS) throw refuse(`The file has ${data.length} data rows; at most ${MAX_IMPORT_ROWS} per import (split the file)`);

  const plan = planColumns(kind, header, mapping);
  if (plan.duplicates.length > 0) {
    const [field, first, second] = plan.duplicates[0]!;
    throw refuse(`The columns "${first}" and "${second}" both give ${field}; keep one, or map one elsewhere (mapping)`);
  }
  if (plan.missing.length > 0) {
    throw refuse(
      `Missing required column${plan.missing.length > 1 ? 's' : ''} ${plan.missing.join(', ')} for a ${kind} import (found: ${header.join(', ')}). ` +
        'Rename the header, or map it: mapping {"Your header":"field"} (?mapping= in the API, --mapping in the CLI)',
    );
  }
  const rows = data.map(({ record, info }): ImportRow => {
    const values: Record<string, string> = {};
    for (const [index, field] of plan.byIndex) values[field] = (record[index] ?? '').trim();
    return { row: info.lines, values };
  });
  return { rows, headers: plan.headers, ignoredColumns: plan.ignored };
}
