import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { adminQuery, databaseUrl, testDatabaseUrl } from './db.js';

/**
 * On real PostgreSQL, migrates one template database per test run; every test database is a copy
 * of it (CREATE DATABASE … TEMPLATE), which is much faster than migrating each one.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (!testDatabaseUrl) return;
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
  }
}
