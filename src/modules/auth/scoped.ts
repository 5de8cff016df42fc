import pg from 'pg';
import type { Role } from './access.js';
import type { Database, Orm } from '../../db/client.js';

/** The signed-in user on whose behalf queries run. */
export interface Caller {
  userId: number;
  role: Role;
}

/** The Postgres role that user requests run as; row-level security policies apply to it. */
export const REQUEST_ROLE = 'cedar_app';

/**
 * Runs `work` in one transaction as `caller`: the role switches to cedar_app and
 * `request.jwt.claims` carries the caller's id and role, so the row-level security policies of
 * migrations/0003 filter every statement — a query that forgets its WHERE still cannot read or
 * change another family's rows. Background work (workflows) uses `db.orm` directly instead.
 */
export async function asCaller<T>(db: Database, caller: Caller, work: (tx: Orm) => Promise<T>): Promise<T> {
  const claims = JSON.stringify({ sub: String(Math.trunc(caller.userId)), role: 'authenticated', app_role: caller.role });
  return db.transactionWith(`SELECT set_config('request.jwt.claims', ${pg.escapeLiteral(claims)}, true), set_config('role', '${REQUEST_ROLE}', true)`, work);
}
