/**
 * One transaction through both handles (TxHandle: Drizzle and raw SQL on the same connection),
 * with the drivers' own executors for raw SQL (not Drizzle's `execute`, which costs about a
 * millisecond more per statement on PGlite). The one way to open a transaction: the workflow
 * engine's transactional steps, routes that run a module's inner function in a transaction of
 * their own, and `asCaller` (row-level security: its role and claims are the `setup`).
 */
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Database, Orm } from './client.js';
import type { TxHandle } from './orm-sql.js';
import * as schema from './schema/index.js';
import { pgExecutor, pgliteExecutor } from './sql-client.js';

/**
 * Runs `work` in one transaction: commits when it resolves, rolls back when it rejects. `setup`
 * (static SQL, e.g. `SELECT set_config(…, true)`) runs first, in the round trip that opens the
 * transaction on PostgreSQL.
 */
export type TxOpener = <T>(work: (tx: TxHandle) => Promise<T>, setup?: string) => Promise<T>;

const openers = new WeakMap<Database, TxOpener>();

/**
 * The opener of `db` (made once per database): on PostgreSQL one pooled connection (BEGIN …
 * COMMIT, a Drizzle handle per connection, made once); on PGlite its transaction. Do not open a
 * transaction inside another: on PGlite the inner one waits for the outer one to end.
 */
export function txOpener(db: Database): TxOpener {
  let opener = openers.get(db);
  if (!opener) {
    if (db.pool) opener = postgresOpener(db.pool);
    else if (db.pglite) opener = pgliteOpener(db.pglite);
    else throw new Error('the database has neither a PostgreSQL pool nor a PGlite instance');
    openers.set(db, opener);
  }
  return opener;
}

function postgresOpener(pool: pg.Pool): TxOpener {
  const orms = new WeakMap<pg.PoolClient, Orm>();
  return async (work, setup) => {
    const connection = await pool.connect();
    let broken = false;
    try {
      await connection.query(setup ? `BEGIN; ${setup}` : 'BEGIN');
      let orm = orms.get(connection);
      if (!orm) {
        orm = drizzlePg({ client: connection, schema }) as unknown as Orm;
        orms.set(connection, orm);
      }
      const result = await work({ orm, sql: pgExecutor(connection) });
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      connection.release(broken);
    }
  };
}

function pgliteOpener(pglite: PGlite): TxOpener {
  // PGlite runs one transaction at a time (it queues the others), so one Drizzle handle whose client
  // forwards to the transaction in progress serves them all (Drizzle costs ~0.5 ms to build).
  let current: PGliteTransaction | null = null;
  const inProgress = (): PGliteTransaction => {
    if (current === null) throw new Error('the transaction has ended');
    return current;
  };
  const client: Pick<PGliteTransaction, 'query' | 'exec'> = {
    query: (...args) => inProgress().query(...args),
    exec: (...args) => inProgress().exec(...args),
  };
  const orm = drizzlePglite({ client: client as unknown as PGlite, schema }) as unknown as Orm;
  return (work, setup) =>
    pglite.transaction(async (tx) => {
      current = tx;
      try {
        if (setup) await tx.exec(setup);
        return await work({ orm, sql: pgliteExecutor(tx) });
      } finally {
        current = null;
      }
    });
}
