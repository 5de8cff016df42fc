/**
 * What the school's nodes get in `ctx.transaction(async (tx) => …)`: the Drizzle handle and raw
 * SQL, both on the one connection and transaction in which the engine records the step's result.
 * The engine declares `TransactionHandle` empty; its members are declared here, once, by
 * declaration merging, and `schoolTransactions` (given to the WorkflowEngine) provides them.
 */
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Database, Orm } from '../db/client.js';
import * as schema from '../db/schema/index.js';
import { pgExecutor, pgliteExecutor, type SqlExecutor } from '../db/sql-client.js';
import type { TransactionOpener } from '../engine/index.js';

declare module '../engine/index.js' {
  interface TransactionHandle {
    /** Drizzle over the transaction's connection. Do not open nested transactions with it. */
    readonly orm: Orm;
    /** Raw SQL on the same connection and transaction. */
    readonly sql: SqlExecutor;
  }
}

/**
 * The engine's transaction opener over the school's database: on PostgreSQL one pooled connection
 * (BEGIN … COMMIT, a Drizzle handle per connection, made once); on PGlite its transaction.
 */
export function schoolTransactions(db: Database): TransactionOpener {
  const pool = db.pool;
  if (pool) return postgresTransactions(pool);
  if (db.pglite) return pgliteTransactions(db.pglite);
  throw new Error('the database has neither a PostgreSQL pool nor a PGlite instance');
}

function postgresTransactions(pool: pg.Pool): TransactionOpener {
  const orms = new WeakMap<pg.PoolClient, Orm>();
  return async (work) => {
    const connection = await pool.connect();
    let broken = false;
    try {
      await connection.query('BEGIN');
      let orm = orms.get(connection);
      if (!orm) {
        orm = drizzlePg({ client: connection, schema }) as unknown as Orm;
        orms.set(connection, orm);
      }
      const sql = pgExecutor(connection);
      const result = await work({ orm, sql }, sql);
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

function pgliteTransactions(pglite: PGlite): TransactionOpener {
  // PGlite runs one transaction at a time (it queues the others), so one Drizzle handle whose client
  // forwards to the transaction in progress serves them all (Drizzle costs ~0.5 ms to build).
  let current: PGliteTransaction | null = null;
  const inProgress = (): PGliteTransaction => {
    if (current === null) throw new Error('the transaction of this step has ended');
    return current;
  };
  const client: Pick<PGliteTransaction, 'query' | 'exec'> = {
    query: (...args) => inProgress().query(...args),
    exec: (...args) => inProgress().exec(...args),
  };
  const orm = drizzlePglite({ client: client as unknown as PGlite, schema }) as unknown as Orm;
  return (work) =>
    pglite.transaction(async (tx) => {
      current = tx;
      try {
        const sql = pgliteExecutor(tx);
        return await work({ orm, sql }, sql);
      } finally {
        current = null;
      }
    });
}
