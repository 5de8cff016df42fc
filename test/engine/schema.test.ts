/**
 * The engine migrates its own tables: on an empty database, again (nothing to do), and on a
 * database whose workflow tables an application's own migrations made at an earlier shape.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { engineMigrations, migrateEngine } from '../../src/engine/index.js';
import { createEmptyTestDatabase, type TestDatabase } from '../helpers/db.js';

/** Columns, constraints, indexes, triggers and storage options of the engine's tables and view. */
async function shapeOf(db: Database): Promise<Record<string, unknown[]>> {
  const like = `LIKE 'workflow\\_%'`;
  return {
    columns: await db.sql.query(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name ${like} ORDER BY 1, 2`,
    ),
    constraints: await db.sql.query(
      `SELECT conrelid::regclass::text AS relation, conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE conrelid::regclass::text ${like} ORDER BY 1, 2`,
    ),
    indexes: await db.sql.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename ${like} ORDER BY 1, 2`),
    triggers: await db.sql.query(`SELECT tgrelid::regclass::text AS relation, tgname FROM pg_trigger WHERE tgrelid::regclass::text ${like} AND NOT tgisinternal ORDER BY 1, 2`),
    options: await db.sql.query(`SELECT relname, relkind, reloptions FROM pg_class WHERE relname ${like} AND relkind IN ('r', 'v') ORDER BY 1`),
  };
}

describe('the engine migrating its own tables', () => {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    for (const t of opened.splice(0)) await t.dispose();
  });
  const empty = async (): Promise<Database> => {
    const t = await createEmptyTestDatabase();
    opened.push(t);
    return t.db;
  };

  it('makes its tables and the run view on an empty database, records them, and then has nothing to do', { timeout: 60_000 }, async () => {
    const db = await empty();
    expect(await migrateEngine(db.sql)).toEqual({ applied: engineMigrations.map((m) => m.version) });
    expect(await migrateEngine(db.sql)).toEqual({ applied: [] });
    const shape = await shapeOf(db);
    const relations = (shape.options as { relname: string; relkind: string; reloptions: string[] | null }[]).map((r) => [r.relname, r.relkind, r.reloptions]);
    expect(relations).toEqual([
      ['workflow_run_states', 'v', ['security_invoker=true']],
      ['workflow_runs', 'r', ['fillfactor=50']],
      ['workflow_schema_migrations', 'r', null],
      ['workflow_signals', 'r', null],
      ['workflow_steps', 'r', null],
      ['workflow_transactions', 'r', null],
      ['workflow_waits', 'r', null],
    ]);
    const [run] = await db.sql.query<{ id: string }>(`INSERT INTO workflow_runs (workflow_name) VALUES ('w') RETURNING id`);
    const [state] = await db.sql.query(`SELECT workflow_name, status FROM workflow_run_states WHERE run_id = $1`, [run!.id]);
    expect(state).toEqual({ workflow_name: 'w', status: 'queued' });
  });

  it('brings tables an application made before durable waits to the same shape as on a new database, keeping their rows', { timeout: 60_000 }, async () => {
    const fresh = await empty();
    await migrateEngine(fresh.sql);

    const adopted = await empty();
    await adopted.sql.exec(await readFile(new URL('./fixtures/workflow-tables-before-waits.sql', import.meta.url), 'utf8'));
    const [run] = await adopted.sql.query<{ id: string }>(`INSERT INTO workflow_runs (workflow_name, status) VALUES ('kept', 'succeeded') RETURNING id`);
    expect(await migrateEngine(adopted.sql)).toEqual({ applied: engineMigrations.map((m) => m.version) });

    expect(await shapeOf(adopted)).toEqual(await shapeOf(fresh));
    const [kept] = await adopted.sql.query(`SELECT workflow_name, status FROM workflow_runs WHERE id = $1`, [run!.id]);
    expect(kept).toEqual({ workflow_name: 'kept', status: 'succeeded' });
  });

  it('can run every statement again over its own tables (each is idempotent)', { timeout: 60_000 }, async () => {
    const db = await empty();
    await migrateEngine(db.sql);
    const before = await shapeOf(db);
    await db.sql.query('DELETE FROM workflow_schema_migrations');
    expect(await migrateEngine(db.sql)).toEqual({ applied: engineMigrations.map((m) => m.version) });
    expect(await shapeOf(db)).toEqual(before);
  });
});
