import type { Database } from '../../db/client.js';
import { REQUEST_ROLE, type Caller } from '../auth/scoped.js';
import type { SqlExecutor } from '../../db/sql-client.js';

/**
 * Raw-SQL twin of `asCaller` (db/scoped.ts): runs `work` in one transaction as the role cedar_app
 * with the caller's claims, so the row-level security policies filter every statement.
 */
export function withCaller<T>(db: Database, caller: Caller, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  const claims = JSON.stringify({ sub: String(caller.userId), role: 'authenticated', app_role: caller.role });
  return db.sql.transaction(async (tx) => {
    await tx.query(`SELECT set_config('request.jwt.claims', $1, true), set_config('role', $2, true)`, [claims, REQUEST_ROLE]);
    return work(tx);
  });
}
