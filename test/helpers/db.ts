import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

/**
 * Test databases. Each call gives a fresh, migrated database that no other test sees:
 * an in-memory PGlite by default, or a new database on the server named by TEST_DATABASE_URL
 * (created from a migrated template, dropped again by `dispose`).
 */
export interface TestDatabase {
  db: Database;
  /** Connection URL of the fresh PostgreSQL database; undefined on PGlite. */
  url: string | undefined;
  dispose(): Promise<void>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
export const onRealPostgres = testDatabaseUrl !== undefined;

/** Name of the migrated template database made by global-setup for this test run. */
export const templateDatabaseName = (): string => {
  const name = inject('templateDatabase');
  if (!name) throw new Error('no template database: test/helpers/global-setup.ts did not run');
  return name;
};

let snapshotImage: Promise<Blob | undefined> | undefined;

/** The migrated PGlite image made by global-setup, read once per test worker. */
function migratedSnapshot(): Promise<Blob | undefined> {
  snapshotImage ??= (async () => {
    const file = inject('pgliteSnapshot');
    return file ? new Blob([await readFile(file)]) : undefined;
  })();
  return snapshotImage;
}

export function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const snapshot = await migratedSnapshot();
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://', ...(snapshot ? { snapshot } : {}) });
    await migrate(db.sql); // a no-op on the snapshot; migrates when there is none
    return { db, url: undefined, dispose: () => db.close() };
  }
  const name = `ch_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${templateDatabaseName()}`);
  const url = databaseUrl(testDatabaseUrl, name);
  const db = await openDatabase({ kind: 'postgres', url, poolSize: options.poolSize ?? 10 });
  return {
    db,
    url,
    async dispose() {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A fresh database with nothing in it (no migrations): in-memory PGlite, or a new database on the server. */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    return { db, url: undefined, dispose: () => db.close() };
  }
  const name = `ch_empty_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = databaseUrl(testDatabaseUrl, name);
  const db = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
  return {
    db,
    url,
    async dispose() {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
