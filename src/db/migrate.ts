import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineMigrations, migrateEngine } from '../engine/index.js';
import type { SqlClient } from './sql-client.js';

/**
 * Folder of the numbered SQL migrations (`0001_name.sql`, applied in file-name order): beside this
 * module in the sources (`src/db/migrations`), and beside the bundle in the build (`dist/migrations`,
 * copied there by `scripts/build.mjs`).
 */
export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Any constant shared by every process; serialises concurrent migrators on one database. */
const MIGRATION_LOCK_KEY = 727_364_001;

/** PostgreSQL's SQLSTATE for "relation does not exist". */
const UNDEFINED_TABLE = '42P01';

export interface MigrationResult {
  /** The engine's versions applied (`engine:<version>`), then the application's. */
  applied: string[];
  alreadyApplied: number;
}

async function listMigrations(): Promise<string[]> {
  const files = await readdir(migrationsDir);
  return files.filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
}

const versionOf = (file: string): string => file.replace(/\.sql$/, '');

/** The recorded versions, or undefined on a database that was never migrated. One query, no lock. */
async function recordedVersions(sql: SqlClient): Promise<Set<string> | undefined> {
  try {
    const rows = await sql.query<{ version: string }>('SELECT version FROM schema_migrations');
    return new Set(rows.map((r) => r.version));
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return undefined;
    throw error;
  }
}

/**
 * Applies the workflow engine's pending migrations (the school's tables reference its runs), then
 * the application's, in one transaction, recording them in `schema_migrations`.
 * Safe to call from several processes at once (a transaction advisory lock serialises them). A
 * database that already has every migration costs two queries.
 */
export async function migrate(sql: SqlClient): Promise<MigrationResult> {
  const engine = (await migrateEngine(sql)).applied.map((version) => `engine:${version}`);
  const files = await listMigrations();
  const recorded = await recordedVersions(sql);
  if (recorded && files.every((file) => recorded.has(versionOf(file)))) return { applied: engine, alreadyApplied: recorded.size };
  const app = await sql.transaction(async (tx) => {
    // A transaction-level lock, so it is released with the transaction even if the process dies.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const applied: string[] = [];
    for (const file of files) {
      const version = versionOf(file);
      if (done.has(version)) continue;
      const script = await readFile(path.join(migrationsDir, file), 'utf8');
      try {
        await tx.exec(script);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${file} failed: ${reason}`, { cause: error });
      }
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    return { applied, alreadyApplied: done.size };
  });
  return { applied: [...engine, ...app.applied], alreadyApplied: app.alreadyApplied };
}

/**
 * A hash of the migrations `migrate` would apply (the engine's and the application's, names and contents): a database image made by
 * migrating an empty database is valid exactly as long as this stays the same.
 */
export async function migrationsFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const migration of engineMigrations) hash.update(`engine ${migration.version}\0${migration.statements.join('\0')}\0`);
  for (const file of await listMigrations()) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(migrationsDir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
