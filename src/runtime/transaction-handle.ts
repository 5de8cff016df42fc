/**
 * What the school's nodes get in `ctx.transaction(async (tx) => …)`: the Drizzle handle and raw
 * SQL, both on the one connection and transaction in which the engine records the step's result.
 * The engine declares `TransactionHandle` empty; its members are declared here, once, by
 * declaration merging, and `schoolTransactions` (given to the WorkflowEngine) provides them.
 */
import type { Database, Orm } from '../db/client.js';
import type { SqlExecutor } from '../db/sql-client.js';
import { txOpener } from '../db/transactions.js';
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
 * The engine's transaction opener over the school's database (txOpener: on PostgreSQL one pooled
 * connection, on PGlite its transaction); the engine records through the same raw SQL executor.
 */
export function schoolTransactions(db: Database): TransactionOpener {
  const open = txOpener(db);
  return (work) => open((tx) => work(tx, tx.sql));
}
