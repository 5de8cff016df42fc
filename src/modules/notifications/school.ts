import type { SqlExecutor } from '../../db/sql-client.js';
import { defaultSettings } from '../settings/defaults.js';
import { readSettings } from '../settings/reader.js';
import type { KnownSettings } from '../settings/types.js';
import type { SchoolContext } from './render.js';

/** The school as templates show it (name, contact, zone), from the settings. */
export function schoolContextOf(settings: KnownSettings): SchoolContext {
  const { school } = settings;
  return { name: school.name, email: school.email, phone: school.phone, timezone: settings.timezone };
}

/**
 * The same, read through `sql` (e.g. inside the caller's transaction) by the settings module,
 * with `fallbackTimezone` as the zone when none is stored.
 */
export async function loadSchoolContext(sql: SqlExecutor, fallbackTimezone: string): Promise<SchoolContext> {
  return schoolContextOf((await readSettings(sql, defaultSettings({ timezone: fallbackTimezone }))).settings);
}
