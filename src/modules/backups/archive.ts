/**
 * Backups of the school's database, one file each with a JSON manifest beside it:
 * - embedded (PGlite): the data directory as a gzipped tar (`dumpDataDir`), taken inside a
 *   transaction of the running database, so no write lands between the row counts and the dump;
 * - PostgreSQL: `pg_dump --format=custom` of an exported snapshot, the counts read in the same
 *   snapshot.
 * `verifyBackup` restores a file into a scratch database (in memory for PGlite, a temporary database
 * for PostgreSQL) and compares its row counts with the manifest's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import pg from 'pg';
import type { Database } from '../../db/client.js';
import { pgExecutor, pgliteExecutor } from '../../db/sql-client.js';
import { countMismatches, countRows, type TableCounts } from './counts.js';
import { runPostgresTool, withDatabase } from './postgres-tools.js';

export type BackupKind = 'pglite' | 'postgres';

/** What a backup holds, written beside it as `<file>.json`. */
export interface BackupManifest {
  /** The backup's file name (in the same directory as the manifest). */
  file: string;
  kind: BackupKind;
  /** ISO instant the snapshot was taken. */
  createdAt: string;
  bytes: number;
  /** SHA-256 of the file, hex. */
  sha256: string;
  /** Rows per table at the snapshot. */
  tables: TableCounts;
  /** Set once the backup was restored into a scratch database and its counts compared. */
  verification?: BackupVerification;
}

export interface BackupVerification {
  at: string;
  ok: boolean;
  /** Tables whose counts differ (empty when ok), or the reason the restore failed. */
  mismatches: { table: string; expected: number | null; actual: number | null }[];
  error?: string;
}

/** Where the database is: the embedded one (its Database handle) or PostgreSQL (its URL, for pg_dump). */
export type BackupSource = { kind: 'pglite'; db: Database } | { kind: 'postgres'; url: string };

export const manifestPath = (backupFile: string): string => `${backupFile}.json`;

const stamp = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Makes a backup of `source` in `dir` (created if needed); returns its manifest (also written beside it). */
export async function createBackup(source: BackupSource, dir: string, now = new Date()): Promise<{ path: string; manifest: BackupManifest }> {
  await mkdir(dir, { recursive: true });
  const file = path.resolve(dir, `cedar-${source.kind}-${stamp(now)}${source.kind === 'pglite' ? '.tar.gz' : '.dump'}`);
  const tables = source.kind === 'pglite' ? await dumpPglite(source.db, file) : await dumpPostgres(source.url, file);
  const manifest: BackupManifest = {
    file: path.basename(file),
    kind: source.kind,
    createdAt: now.toISOString(),
    bytes: (await stat(file)).size,
    sha256: await sha256Of(file),
    tables,
  };
  await writeManifest(file, manifest);
  return { path: file, manifest };
}

async function dumpPglite(db: Database, file: string): Promise<TableCounts> {
  const pglite = db.pglite;
  if (!pglite) throw new Error('an embedded backup needs the PGlite database');
  return db.sql.transaction(async (tx) => {
    const tables = await countRows(tx);
    const archive = await pglite.dumpDataDir('gzip');
    await writeFile(file, Buffer.from(await archive.arrayBuffer()));
    return tables;
  });
}

async function dumpPostgres(url: string, file: string): Promise<TableCounts> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ snapshot }] = (await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')).rows as [{ snapshot: string }];
    const tables = await countRows(pgExecutor(client));
    await runPostgresTool('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${file}`, `--dbname=${url}`]);
    await client.query('COMMIT');
    return tables;
  } finally {
    await client.end();
  }
}

export async function writeManifest(backupFile: string, manifest: BackupManifest): Promise<void> {
  await writeFile(manifestPath(backupFile), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readManifest(backupFile: string): Promise<BackupManifest> {
  return JSON.parse(await readFile(manifestPath(backupFile), 'utf8')) as BackupManifest;
}

/**
 * Restores `backupFile` into a scratch database, counts its rows and compares them with the
 * manifest; records the result in the manifest. `postgresUrl`: a server where a temporary database
 * may be created (needs CREATEDB), for PostgreSQL backups. Never throws for a bad backup: the
 * result says what failed.
 */
export async function verifyBackup(backupFile: string, postgresUrl?: string): Promise<BackupVerification> {
  const manifest = await readManifest(backupFile);
  let verification: BackupVerification;
  try {
    if ((await sha256Of(backupFile)) !== manifest.sha256) throw new Error('the file does not match the checksum in its manifest');
    const actual = manifest.kind === 'pglite' ? await countPgliteArchive(backupFile) : await countPostgresDump(backupFile, postgresUrl);
    const mismatches = countMismatches(manifest.tables, actual);
    verification = { at: new Date().toISOString(), ok: mismatches.length === 0, mismatches };
  } catch (error) {
    verification = { at: new Date().toISOString(), ok: false, mismatches: [], error: error instanceof Error ? error.message : String(error) };
  }
  await writeManifest(backupFile, { ...manifest, verification });
  return verification;
}

/** Opens a PGlite archive in memory and counts its rows. */
async function countPgliteArchive(file: string): Promise<TableCounts> {
  const scratch = await PGlite.create('memory://', { loadDataDir: new Blob([await readFile(file)]), extensions: { btree_gist } });
  try {
    return await countRows(pgliteExecutor(scratch));
  } finally {
    await scratch.close();
  }
}

async function countPostgresDump(file: string, url: string | undefined): Promise<TableCounts> {
  if (!url) throw new Error('verifying a PostgreSQL backup needs a server (DATABASE_URL)');
  const name = `cedar_verify_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      await runPostgresTool('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${withDatabase(url, name)}`, file]);
      const scratch = new pg.Client({ connectionString: withDatabase(url, name) });
      await scratch.connect();
      try {
        return await countRows(pgExecutor(scratch));
      } finally {
        await scratch.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
