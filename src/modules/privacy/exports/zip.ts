/**
 * The export's zip: README.txt, then `<kind>.json` for every kind (an array of rows) and
 * `<kind>.csv` for every tabular kind (a header of the union of the rows' columns; nested values as
 * JSON text). Built in memory: a family's data is small (see MAX_EXPORT_BYTES).
 */
import { ZipArchive } from 'archiver';
import { stringify } from 'csv-stringify/sync';
import type { CollectedKind, ExportRow } from './collect.js';

/** The largest archive kept (bytes, 50 MiB; the table's check allows no more). */
export const MAX_EXPORT_BYTES = 50 * 1024 * 1024;

export interface ZipInput {
  schoolName: string;
  subject: { id: number; name: string };
  createdAt: Date;
  expiresAt: Date;
  kinds: readonly CollectedKind[];
}

/** Rows per file name (`students.json` → 2), as the status answers it. */
export type FileCounts = Record<string, number>;

function csvOf(rows: readonly ExportRow[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const records = rows.map((row) =>
    columns.map((column) => {
      const value = row[column];
      if (value === undefined || value === null) return '';
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
    }),
  );
  return stringify(records, { header: true, columns });
}

function readmeOf(input: ZipInput): string {
  const lines = [
    `${input.schoolName}: the personal information we hold about ${input.subject.name} (account ${input.subject.id}) and their family.`,
    '',
    `Made ${input.createdAt.toISOString()}; the download link works until ${input.expiresAt.toISOString()} (UTC).`,
    'Times are UTC (ISO 8601), dates YYYY-MM-DD, money in cents (4500 = 45.00) with its currency.',
    'Each kind of record is a JSON file (an array of records) and, for tables, a CSV file with the same rows.',
    "Teachers' private notes, password and token hashes and one-time link tokens are not included.",
    '',
    'Files:',
    ...input.kinds.map(
      (kind) => `  ${kind.source.name}.json${kind.source.tabular === false ? '' : ` / ${kind.source.name}.csv`} (${kind.rows.length}): ${kind.source.description}`,
    ),
    '',
    'Questions about this data, or corrections: write to the school.',
  ];
  return `${lines.join('\n')}\n`;
}

/** The zip and the rows per file. */
export async function buildExportZip(input: ZipInput): Promise<{ zip: Buffer; counts: FileCounts }> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  const date = input.createdAt;
  const counts: FileCounts = {};
  archive.append(readmeOf(input), { name: 'README.txt', date });
  for (const { source, rows } of input.kinds) {
    archive.append(`${JSON.stringify(rows, null, 2)}\n`, { name: `${source.name}.json`, date });
    counts[`${source.name}.json`] = rows.length;
    if (source.tabular !== false) {
      archive.append(csvOf(rows), { name: `${source.name}.csv`, date });
      counts[`${source.name}.csv`] = rows.length;
    }
  }
  await archive.finalize();
  const zip = await done;
  if (zip.length > MAX_EXPORT_BYTES) throw new Error(`the export is ${zip.length} bytes, over the limit of ${MAX_EXPORT_BYTES}`);
  return { zip, counts };
}
