import type { AppConfig } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import type { Caller } from '../auth/scoped.js';
import type { KnownSettings } from '../../db/schema/settings.js';
import { validationFailed, type AppError } from '../../http/errors.js';
import { loadSettings } from '../settings/read.js';
import type { SchedulingRules } from '../scheduling/types.js';

/** What the lesson services need; `now` is injectable so rules never read the clock themselves. */
export interface LessonDeps {
  db: Database;
  config: AppConfig;
  now: () => number;
  /** How long settings read from the database are reused, ms (0: read on every request). */
  settingsTtlMs?: number;
}

const settingsCache = new WeakMap<Database, { at: number; value: Promise<KnownSettings> }>();

/**
 * The school's settings (stored values over the defaults), reused for `settingsTtlMs` per process
 * (a hot read path saves a round trip; an admin's change applies within that time). Read through
 * `sql` when not reused: inside a transaction, pass its executor (on PGlite a query on the pool
 * would wait for that transaction to end).
 */
export function settingsOf(deps: LessonDeps, sql: SqlExecutor = deps.db.sql): Promise<KnownSettings> {
  const ttl = deps.settingsTtlMs ?? 0;
  const now = performance.now();
  const cached = settingsCache.get(deps.db);
  if (ttl > 0 && cached && now - cached.at < ttl) return cached.value;
  const value = loadSettings(sql, deps.config.schoolTimezone);
  if (ttl > 0) {
    settingsCache.set(deps.db, { at: now, value });
    value.catch(() => settingsCache.delete(deps.db));
  }
  return value;
}

/**
 * Scheduling rules for a request. The minimum notice binds teachers, parents and public bookings;
 * an admin (the office) may book inside it, never in the past.
 */
export function rulesOf(settings: KnownSettings, now: number, caller?: Caller): SchedulingRules {
  return {
    zone: settings.timezone,
    bufferMinutes: settings.bufferMinutes,
    minimumNoticeHours: caller?.role === 'admin' ? 0 : settings.minimumNoticeHours,
    now,
  };
}

/** A 400 naming one input field. */
export const badField = (field: string, message: string): AppError => validationFailed([{ field, message }]);
