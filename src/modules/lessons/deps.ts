import type { AppConfig } from '../../config.js';
import type { Database } from '../../db/client.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import type { Caller } from '../auth/scoped.js';
import { validationFailed, type AppError } from '../../http/errors.js';
import { schoolSettings } from '../settings/reader.js';
import type { KnownSettings } from '../settings/types.js';
import type { SchedulingRules } from '../scheduling/types.js';
import type { WorkflowStarter } from '../services.js';

/** What the lesson services need; `now` is injectable so rules never read the clock themselves. */
export interface LessonDeps {
  db: Database;
  config: AppConfig;
  now: () => number;
  /**
   * Starts the notices of lesson changes (confirmation, cancellation, reschedule) after their
   * transaction commits (notices.ts): the process's late-bound starter (services.workflows).
   */
  workflows: WorkflowStarter;
  /**
   * How old the settings may be, ms. Default SETTINGS_CACHE_MS (config.settingsCacheMs); 0 reads
   * them now, as routes whose answers the read cache keeps must.
   */
  settingsTtlMs?: number;
}

/**
 * The school's settings, from the settings module's reader (validated, cached; see SchoolSettings).
 * Inside a transaction pass its executor as `sql` (a read that is needed goes through it).
 */
export function settingsOf(deps: LessonDeps, sql?: SqlExecutor): Promise<KnownSettings> {
  return schoolSettings(deps.db, deps.config).get(deps.settingsTtlMs, sql);
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
