import { openDatabase } from './src/db/client.js';
import { readdir } from 'node:fs/promises';
import { migrationsDir } from './src/db/migrate.js';
const db = await openDatabase({ kind: 'pglite', dataDir: process.argv[2]! });
let t = performance.now();
const lap = (l: string) => { console.log(l.padEnd(30), Math.round(performance.now() - t)); t = performance.now(); };
await db.sql.query('select 1'); lap('select 1');
await readdir(migrationsDir); lap('readdir');
await db.sql.transaction(async (tx) => {
  lap('begin');
  await tx.query('SELECT pg_advisory_xact_lock($1)', [1]); lap('lock');
  await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); lap('create');
  await tx.query('SELECT version FROM schema_migrations'); lap('select');
});
lap('commit');
await db.close();
