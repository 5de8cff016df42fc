/**
 * CSV import speed: a 500-family file (a parent and a child per row, 480 good rows and 20 bad)
 * applied as the `csv-import` workflow applies it (runNextBatch: batches of 50, each one
 * transaction with its checkpoint), without the engine's own overhead (two nodes per import).
 * Figures, on PostgreSQL (scratch database) and on the embedded PGlite (in memory):
 * - first import: rows per second creating 480 families (parent, child, audit rows), and its share
 *   of the ceiling below;
 * - the same file again: rows per second matching every row and changing nothing;
 * - the dry run (every row applied in one transaction that is rolled back);
 * - ceiling, measured in the same run on the same database: single-row INSERTs into `users`
 *   (one statement per row, as a family row cost about a dozen before the batches), 1 000 in one
 *   transaction, rows per second.
 *
 * `npx tsx test/bench/import.ts`. Env: BENCH_DATABASE_URL.
 */
import { pathToFileURL } from 'node:url';
import type { Database } from '../../src/db/client.js';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { parseImport } from '../../src/modules/imports/parse.js';
import { createImport, dryRunImport, finishImport, runNextBatch } from '../../src/modules/imports/run.js';
import { familiesCsv } from '../import/fixtures.js';
import { testConfig } from '../helpers/app.js';
import { fmt, scratchDatabase } from './lib.js';

export interface ImportFigures {
  database: 'PostgreSQL' | 'PGlite';
  rows: number;
  firstRowsPerSecond: number;
  againRowsPerSecond: number;
  dryRunRowsPerSecond: number;
  plainInsertsPerSecond: number;
}

const INSERTS = 1_000;

async function plainInserts(db: Database): Promise<number> {
  const started = performance.now();
  await db.sql.transaction(async (tx) => {
    for (let i = 0; i < INSERTS; i += 1) {
      await tx.query(`INSERT INTO users (email, first_name, last_name, role) VALUES ($1, 'Plain', 'Insert', 'parent')`, [`plain${i}@insert.bench`]);
    }
    await tx.query(`DELETE FROM users WHERE email LIKE '%@insert.bench'`);
  });
  return INSERTS / ((performance.now() - started) / 1000);
}

async function measure(db: Database, database: ImportFigures['database']): Promise<ImportFigures> {
  await migrate(db.sql);
  const [admin] = await db.sql.query<{ id: number }>(
    `INSERT INTO users (email, first_name, last_name, role) VALUES ('admin@import.bench', 'Bench', 'Admin', 'admin') RETURNING id`,
  );
  const deps = { db, config: testConfig() };
  const parsed = parseImport('families', familiesCsv(480, 20).csv);
  const options = { kind: 'families' as const, invite: false, adminId: Number(admin!.id) };
  const rate = async (work: () => Promise<void>): Promise<number> => {
    const started = performance.now();
    await work();
    return parsed.rows.length / ((performance.now() - started) / 1000);
  };
  const importOnce = async (): Promise<void> => {
    const id = await createImport(db.sql, options, parsed, 'bench.csv');
    while (!(await runNextBatch(deps, id)).done) {
      // next batch
    }
    await finishImport(deps, id);
  };
  const dryRunRowsPerSecond = await rate(async () => {
    await dryRunImport(deps, options, parsed);
  });
  const firstRowsPerSecond = await rate(importOnce);
  const againRowsPerSecond = await rate(importOnce);
  const plainInsertsPerSecond = await plainInserts(db);
  return { database, rows: parsed.rows.length, firstRowsPerSecond, againRowsPerSecond, dryRunRowsPerSecond, plainInsertsPerSecond };
}

export async function benchImport(): Promise<ImportFigures[]> {
  const figures: ImportFigures[] = [];
  const scratch = await scratchDatabase('bench_import');
  try {
    const db = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 4 });
    try {
      figures.push(await measure(db, 'PostgreSQL'));
    } finally {
      await db.close();
    }
  } finally {
    await scratch.drop();
  }
  const embedded = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  try {
    figures.push(await measure(embedded, 'PGlite'));
  } finally {
    await embedded.close();
  }
  return figures;
}

export function printImport(figures: ImportFigures[]): void {
  console.log(`
## CSV import (500-family file: 480 families, 20 bad rows; batches of 50 rows per transaction)

| database | first import, rows/s | same file again, rows/s | dry run, rows/s | ceiling: plain single-row INSERTs, rows/s | first import / ceiling |
|---|---|---|---|---|---|`);
  for (const f of figures) {
    console.log(
      `| ${f.database} | ${fmt(f.firstRowsPerSecond, 0)} | ${fmt(f.againRowsPerSecond, 0)} | ${fmt(f.dryRunRowsPerSecond, 0)} | ${fmt(f.plainInsertsPerSecond, 0)} | ${fmt(f.firstRowsPerSecond / f.plainInsertsPerSecond, 2)}× |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printImport(await benchImport());
