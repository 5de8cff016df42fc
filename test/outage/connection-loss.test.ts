/**
 * Connections ended by the server (pg_terminate_backend: what a restart or failover does to each
 * session, SQLSTATE 57P01) while this process holds them: a pooled connection checked out between two
 * statements, the LISTEN connection, and the change feed over it, several times in a row. Nothing
 * becomes an uncaught exception (Vitest fails a file on one), broken connections leave the pool, and
 * listening resumes. Real PostgreSQL only (PGlite has no connections to lose).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/availability.js';
import { ChangeFeed, DATA_CHANGED_CHANNEL } from '../../src/db/change-feed.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../helpers/db.js';

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.runIf(onRealPostgres)('connections lost while held', () => {
  let database: TestDatabase;
  /** The node-postgres pool behind the Database (Drizzle keeps it as $client). */
  let pool: pg.Pool;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database.db.sql.query<T>(text, params);
  /** Sessions whose last statement was a LISTEN or a listener's barrier ("SELECT 1"; this file sends no other). */
  const listeningBackends = () =>
    sql<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')`,
    );
  const terminate = (pid: number) => sql('SELECT pg_terminate_backend($1)', [pid]);

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
    pool = (database.db.orm as unknown as { $client: pg.Pool }).$client;
  });
  afterAll(async () => database?.dispose());

  it('survives a checked-out connection ended between two statements, which then leaves the pool', async () => {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise((resolve) => client.once('end', resolve));
    await terminate(rows[0]!.pid);
    await ended; // the server's "terminating connection" arrived while no statement was running
    const error: unknown = await client.query('SELECT 2').catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
    client.release();
    expect(await sql('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(pool.totalCount).toBeLessThanOrEqual(1); // the broken connection was not kept
  });

  it('tells a LISTEN subscription once that its connection is lost, and gives the connection up', async () => {
    let lost = 0;
    const subscription = await database.db.sql.listen(
      ['cedar_outage_test'],
      () => undefined,
      () => (lost += 1),
    );
    const [listening] = await listeningBackends();
    await terminate(listening!.pid);
    await until('the loss to be reported', () => lost > 0);
    await expect(subscription.ping()).rejects.toThrow();
    await subscription.stop();
    expect(lost).toBe(1);
    expect(await listeningBackends()).toEqual([]);
    expect(await sql('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('keeps the change feed listening again after each of several losses, with one LISTEN connection', async () => {
    const feed = new ChangeFeed(database.db.sql, { retryMs: 20, maxRetryMs: 200 });
    let lost = 0;
    feed.onLost(() => (lost += 1));
    await feed.start();
    try {
      for (let round = 1; round <= 3; round += 1) {
        const [listening] = await listeningBackends();
        await terminate(listening!.pid);
        await until('the feed to notice the loss', () => lost === round);
        await until('the feed to listen again', async () => feed.live && (await listeningBackends()).length === 1);
        const version = feed.version;
        await sql(`SELECT pg_notify($1, 'students')`, [DATA_CHANGED_CHANNEL]);
        expect(await feed.sync()).toBe(true);
        expect(feed.version).toBe(version + 1); // changes are counted again
      }
    } finally {
      await feed.stop();
    }
  });
});
