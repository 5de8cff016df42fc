import pg from 'pg';
import type { Role } from './access.js';
import type { Database, Orm } from '../../db/client.js';
import type { TxHandle } from '../../db/orm-sql.js';
import { txOpener } from '../../db/transactions.js';

/** The signed-in user on whose behalf queries run. */
export interface Caller {
  userId: number;
  role: Role;
}

/** The Postgres role that user requests run as; row-level security policies apply to it. */
export const REQUEST_ROLE = 'cedar_app';

/** The `request.jwt.claims` JSON the policies read for `caller`. */
const claimsOf = (caller: Caller): string => JSON.stringify({ sub: String(Math.trunc(caller.userId)), role: 'authenticated', app_role: caller.role });

/**
 * Runs `work` in one transaction as `caller`: the role switches to cedar_app and
 * `request.jwt.claims` carries the caller's id and role, so the row-level security policies of
 * migrations/0003 filter every statement — a query that forgets its WHERE still cannot read or
 * change another family's rows. Background work (workflows) uses `db.orm` directly instead.
 */
export async function asCaller<T>(db: Database, caller: Caller, work: (tx: Orm) => Promise<T>): Promise<T> {
  return txOpener(db)((tx) => work(tx.orm), `SELECT set_config('request.jwt.claims', ${pg.escapeLiteral(claimsOf(caller))}, true), set_config('role', '${REQUEST_ROLE}', true)`);
}

const SAVEPOINT = 'as_caller';

/**
 * `asCaller` inside a transaction that is already open (`tx`: a workflow node's ctx.transaction,
 * or one of txOpener's), which must run as the connection's own role (no role set; checked):
 * `work` runs in a savepoint, as `caller`, the role and claims set LOCAL. When `work` resolves,
 * the role is reset and the claims cleared (the rest of `tx` runs as before) and the savepoint is
 * released, its writes kept in `tx`. When it throws, the savepoint is rolled back (its writes and
 * the role switch undone) and `tx` stays usable: a statement refused by a constraint does not
 * abort it. Errors come as `work` threw them. Two round trips besides `work`'s (each a script).
 */
export async function asCallerWithin<T>(tx: TxHandle, caller: Caller, work: (tx: Orm) => Promise<T>): Promise<T> {
  await tx.sql.exec(
    `SAVEPOINT ${SAVEPOINT};
     DO $$ BEGIN IF current_setting('role') <> 'none' THEN RAISE EXCEPTION 'asCallerWithin: the transaction already runs as role %', current_setting('role'); END IF; END $$;
     SELECT set_config('request.jwt.claims', ${pg.escapeLiteral(claimsOf(caller))}, true), set_config('role', '${REQUEST_ROLE}', true)`,
  );
  let result: T;
  try {
    result = await work(tx.orm);
  } catch (error) {
    await tx.sql.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    throw error;
  }
  await tx.sql.exec(`SELECT set_config('role', 'none', true), set_config('request.jwt.claims', '', true); RELEASE SAVEPOINT ${SAVEPOINT}`);
  return result;
}
