import { sql, type SQL } from 'drizzle-orm';
import type { Orm } from './client.js';
import type { SqlExecutor } from './sql-client.js';

/** The rows of a Drizzle `execute` result (both drivers answer `{ rows }`). */
export const rowsOf = <Row>(result: unknown): Row[] => (result as { rows: Row[] }).rows;

/**
 * Raw SQL ($1 placeholders) over a Drizzle handle — typically the transaction `asCaller` opens —
 * so helpers written for raw SQL (`recordAudit`, `readSettings`) run in that same transaction and
 * under the same role.
 */
export function sqlExecutorOf(tx: Orm): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      // sql.param: an array is one parameter ($1::int[]), not Drizzle's list of parameters.
      const chunks: SQL[] = text.split(/\$(\d+)/).map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${sql.param(params[Number(part) - 1])}`));
      return rowsOf<Row>(await tx.execute(sql.join(chunks)));
    },
    async exec(script: string) {
      await tx.execute(sql.raw(script));
    },
  };
}

/** One open transaction through both handles: Drizzle and raw SQL on the same connection. */
export interface TxHandle {
  /** Drizzle over the transaction. Do not open nested transactions with it (use SAVEPOINT through `sql`). */
  readonly orm: Orm;
  /** Raw SQL on the same connection and transaction, the driver's own (`exec` runs scripts of several statements). */
  readonly sql: SqlExecutor;
}
