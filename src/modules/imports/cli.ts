/**
 * `npm run import -- FILE [--kind families|teachers|weekly-hours] [--dry-run] [--invite]
 * [--mapping '{"Header":"field"}'] [--admin EMAIL]`: the same import as POST /api/v1/imports, run
 * in this process (the same checkpointed batches, no worker needed), with a progress bar on a
 * terminal and a summary. Audit rows name the admin `--admin` (default ADMIN_EMAIL).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { CommandError } from '../../command-error.js';
import type { AppConfig } from '../../config.js';
import type { Database } from '../../db/client.js';
import { AppError, type FieldIssue } from '../../http/errors.js';
import type { RowReport } from './apply.js';
import { importKinds, type ImportKind } from './columns.js';
import { parseImport, type ParsedImport } from './parse.js';
import { createImport, dryRunImport, finishImport, runNextBatch } from './run.js';
import { findImport } from './store.js';

const usage = 'Usage: npm run import -- FILE [--kind families|teachers|weekly-hours] [--dry-run] [--invite] [--mapping \'{"Header":"field"}\'] [--admin EMAIL]';

interface ImportArgs {
  file: string;
  kind: ImportKind;
  dryRun: boolean;
  invite: boolean;
  mapping: Record<string, string>;
  admin: string | undefined;
}

function parseArgs(args: readonly string[]): ImportArgs {
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const next = args[at + 1];
    if (next === undefined || next.startsWith('--')) throw new CommandError(`${flag} needs a value. ${usage}`);
    return next;
  };
  const valued = new Set(['--kind', '--mapping', '--admin']);
  const file = args.find((arg, i) => !arg.startsWith('--') && !valued.has(args[i - 1] ?? ''));
  if (!file) throw new CommandError(`Give the CSV file. ${usage}`);
  const kind = value('--kind') ?? 'families';
  if (!(importKinds as readonly string[]).includes(kind)) throw new CommandError(`Unknown --kind "${kind}": one of ${importKinds.join(', ')}`);
  let mapping: Record<string, string> = {};
  const mappingText = value('--mapping');
  if (mappingText !== undefined) {
    try {
      mapping = JSON.parse(mappingText) as Record<string, string>;
    } catch {
      throw new CommandError('--mapping must be a JSON object, e.g. \'{"Kid Level":"skillLevel"}\'');
    }
  }
  return { file, kind: kind as ImportKind, dryRun: args.includes('--dry-run'), invite: args.includes('--invite'), mapping, admin: value('--admin') };
}

const errorLines = (errors: ReadonlyArray<Pick<RowReport, 'row' | 'errors'>>): string[] =>
  errors.flatMap(({ row, errors: issues }) => issues.map((issue) => `  row ${row}, ${issue.column}: ${issue.message}`));

async function readParsed(args: ImportArgs): Promise<ParsedImport> {
  let text: string;
  try {
    text = await readFile(path.resolve(args.file), 'utf8');
  } catch (error) {
    throw new CommandError(`Cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return parseImport(args.kind, text, args.mapping);
  } catch (error) {
    if (error instanceof AppError) {
      const details = Array.isArray(error.details) ? (error.details as FieldIssue[]) : [];
      throw new CommandError(`${args.file}: ${details.map((d) => d.message).join('; ') || error.message}`);
    }
    throw error;
  }
}

async function adminIdOf(db: Database, config: AppConfig, email: string | undefined): Promise<number> {
  const wanted = (email ?? config.admin.email).toLowerCase();
  const [admin] = await db.sql.query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' AND is_active AND lower(email) = $1`, [wanted]);
  if (!admin) throw new CommandError(`No active admin account ${wanted}: give --admin EMAIL (audit rows name the admin who imports)`);
  return Number(admin.id);
}

/** Runs the command on an open, migrated database; returns the lines of the summary. */
export async function importCommand(db: Database, config: AppConfig, argv: readonly string[]): Promise<string[]> {
  const args = parseArgs(argv);
  const parsed = await readParsed(args);
  const options = { kind: args.kind, invite: args.invite, adminId: await adminIdOf(db, config, args.admin) };
  const ignored = parsed.ignoredColumns.length > 0 ? [`Ignored columns: ${parsed.ignoredColumns.join(', ')}`] : [];
  const deps = { db, config };
  if (args.dryRun) {
    const { totals, rows } = await dryRunImport(deps, options, parsed);
    return [
      `Dry run of ${args.file} (${args.kind}): nothing was changed`,
      ...ignored,
      `${totals.total} rows: ${totals.created} would be created, ${totals.updated} updated, ${totals.skipped} unchanged, ${totals.errors} with errors`,
      ...errorLines(rows.filter((r) => r.outcome === 'error')),
    ];
  }
  const importId = await createImport(db.sql, options, parsed, path.basename(args.file));
  const bar = new cliProgress.SingleBar({ format: 'Importing [{bar}] {value}/{total} rows', stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(parsed.rows.length, 0);
  try {
    for (;;) {
      const batch = await runNextBatch(deps, importId);
      bar.update(batch.processed);
      if (batch.done) break;
    }
  } catch (error) {
    // The committed batches stay (the import's counts say how far it got); importing again finishes it.
    await finishImport(deps, importId, error instanceof Error ? error.message : String(error)).catch(() => undefined);
    throw error;
  } finally {
    bar.stop();
  }
  await finishImport(deps, importId);
  const done = await findImport(db.sql, importId);
  const c = done!.counts;
  return [
    `Imported ${args.file} (${args.kind}) as import ${importId}`,
    ...ignored,
    `${c.total} rows: ${c.created} created, ${c.updated} updated, ${c.skipped} unchanged, ${c.errors} with errors`,
    ...errorLines(done!.errors),
    ...(c.created > 0 && !args.invite && args.kind !== 'weekly-hours' ? ['New accounts have no password yet (no mail was sent): they choose one through "forgot password"'] : []),
  ];
}
