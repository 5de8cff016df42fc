/**
 * Queue and channel names are options: two engines with different queue prefixes (and, on
 * PostgreSQL, wake channels) on one database and one pg-boss schema never take each other's runs.
 * A pg-boss queue in the run store's database sends a run's job in the transaction of the run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessWakeChannel, PgBossQueue, postgresWakeChannel, WorkflowEngine, WorkflowRegistry } from '../../src/engine/index.js';
import { pgliteBossSql } from '../../src/runtime/queue.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { trivialLinear } from './fixtures/workflows.js';

describe('queue and channel names', () => {
  let t: TestDatabase | undefined;
  const queues: PgBossQueue[] = [];
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop();
    await t?.dispose();
    t = undefined;
  });

  const queueOf = (database: TestDatabase, prefix: string): PgBossQueue => {
    const queue = database.url
      ? new PgBossQueue({
          connection: { connectionString: database.url, max: 2 },
          wake: postgresWakeChannel(database.url, { channel: `${prefix}_wake` }),
          queuePrefix: prefix,
        })
      : new PgBossQueue({ connection: { db: pgliteBossSql(database.db) }, wake: inProcessWakeChannel(), queuePrefix: prefix });
    queues.push(queue);
    return queue;
  };

  it('keeps the runs of engines with different prefixes apart', { timeout: 120_000 }, async () => {
    const database = await createTestDatabase();
    t = database;
    const received: Record<string, string[]> = { alpha: [], beta: [] };
    // One after the other: each start creates its queues in the shared pg-boss schema.
    const started = new Map<'alpha' | 'beta', PgBossQueue>();
    for (const prefix of ['alpha', 'beta'] as const) {
      const queue = queueOf(database, prefix);
      await queue.start();
      started.set(prefix, queue);
    }
    const arrivals = [...started].map(async ([prefix, queue]) => {
      const arrived = new Promise<void>((resolve) => {
        void queue.consume(
          {
            async run(runId) {
              received[prefix]!.push(runId);
              resolve();
            },
            async cron() {},
            claim: async () => new Map(),
          },
          { concurrency: 2 },
        );
      });
      await queue.enqueue(`run-for-${prefix}`);
      await arrived;
    });
    await Promise.all(arrivals);
    expect(received).toEqual({ alpha: ['run-for-alpha'], beta: ['run-for-beta'] });
  });

  it('refuses a wake channel that is not an SQL identifier', () => {
    expect(() => postgresWakeChannel('postgresql://127.0.0.1/none', { channel: 'jobs; DROP TABLE x' })).toThrow(TypeError);
  });
});

describe('a run and its pg-boss job', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  const engineOn = (database: TestDatabase, queue: PgBossQueue): WorkflowEngine => {
    const registry = new WorkflowRegistry();
    registry.register(trivialLinear());
    return new WorkflowEngine({ registry, sql: database.db.sql, queue });
  };

  const queueIn = (database: TestDatabase, queuePrefix: string): PgBossQueue =>
    database.url
      ? new PgBossQueue({ connection: { connectionString: database.url, max: 2 }, wake: postgresWakeChannel(database.url), queuePrefix, runDatabase: database.db.sql })
      : new PgBossQueue({ connection: { db: pgliteBossSql(database.db) }, wake: inProcessWakeChannel(), queuePrefix, runDatabase: database.db.sql });

  it('commit together: the job is there with the run, and a job that cannot be sent leaves no run', { timeout: 120_000 }, async () => {
    const database = await createTestDatabase();
    t = database;
    const queue = queueIn(database, 'together');
    await queue.start();
    try {
      const { run } = await engineOn(database, queue).start('bench-linear6', { n: 1 });
      const jobs = await database.db.sql.query<{ run_id: string }>(`SELECT data->>'runId' AS run_id FROM pgboss.job WHERE name = 'together-runs'`);
      expect(jobs).toEqual([{ run_id: run.id }]);
    } finally {
      await queue.stop();
    }

    // A queue that was never created: pg-boss refuses the job, so the run is not kept either.
    const missing = queueIn(database, 'never-created');
    await expect(engineOn(database, missing).start('bench-linear6', { n: 2 })).rejects.toThrow();
    const runs = await database.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM workflow_runs WHERE event->>'n' = '2'`);
    expect(runs).toEqual([{ n: 0 }]);
  });
});
