import type { AppConfig } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { forbidden, notFound } from '../../http/errors.js';
import { localDateOf } from '../scheduling/local-time.js';
import { schoolSettings } from '../settings/reader.js';

/** What the progress routes need; `now` is injectable (ms since the epoch) so "today" is testable. */
export interface ProgressDeps {
  db: Database;
  config: AppConfig;
  now: () => number;
}

/** The school's zone and today's local date there ('YYYY-MM-DD'). */
export async function schoolDay(deps: ProgressDeps): Promise<{ zone: string; today: string }> {
  const { timezone: zone } = await schoolSettings(deps.db, deps.config).get();
  return { zone, today: localDateOf(deps.now(), zone) };
}

export type ProgressAccess = 'read' | 'write';

/**
 * What the caller (whose claims `sql` runs under: asCaller) may do with student `studentId`'s
 * progress, by app.progress_access (migration 0028): admins and the student's teachers (assigned, or
 * teaching or covering one of the student's lessons) write, the student's parent reads. Anyone
 * else, and a student that does not exist, is 404 (never 403, so ids reveal nothing); a reader
 * asking to write is 403.
 */
export async function requireProgressAccess(sql: SqlExecutor, studentId: number, needed: ProgressAccess): Promise<ProgressAccess> {
  const [row] = await sql.query<{ access: ProgressAccess | null }>('SELECT app.progress_access($1) AS access', [studentId]);
  const access = row?.access ?? null;
  if (access === null) throw notFound(`Student ${studentId}`);
  if (needed === 'write' && access !== 'write') throw forbidden("Only the school and the student's teachers change progress records");
  return access;
}
