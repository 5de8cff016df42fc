import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { adminQuery, databaseUrl, testDatabaseUrl } from './db.js';

/**
 * On PGlite, migrates one in-memory database and saves its data directory; every test database
 * starts from that image, which skips PGlite's initdb and the migrations (seconds per file).
 */
async function snapshotPglite(project: TestProject): Promise<() => Promise<void>> {
  const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  const folder = await mkdtemp(path.join(tmpdir(), 'ch-pglite-'));
  const file = path.join(folder, 'migrated.tar');
  try {
    await migrate(db.sql);
    const image = await db.pglite!.dumpDataDir('none');
    await writeFile(file, Buffer.from(await image.arrayBuffer()));
  } finally {
    await db.close();
  }
  project.provide('pgliteSnapshot', file);
  return () => rm(folder, { recursive: true, force: true });
}

/**
 * On real PostgreSQL, migrates one template database per test run; every test database is a copy
 * of it (CREATE DATABASE … TEMPLATE), which is much faster than migrating each one.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (!testDatabaseUrl) return snapshotPglite(project);
  const name = `ch_template_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl(testDatabaseUrl, name), poolSize: 1 });
  try {
    await migrate(db.sql);
  } finally {
    await db.close();
  }
  project.provide('templateDatabase', name);
  return async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    pgliteSnapshot: string;
  }
}
