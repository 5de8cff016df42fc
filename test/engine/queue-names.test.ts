/**
 * Queue and channel names are options: two engines with different queue prefixes (and, on
 * PostgreSQL, wake channels) on one database and one pg-boss schema never take each other's runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessWakeChannel, PgBossQueue, postgresWakeChannel } from '../../src/engine/index.js';
import { pgliteBossSql } from '../../src/runtime/queue.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

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
