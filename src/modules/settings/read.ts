import type { SqlExecutor } from '../../db/sql-client.js';
import { defaultSettings } from './defaults.js';
import type { KnownSettings } from '../../db/schema/settings.js';

/**
 * The school's settings: stored values over the defaults (`defaultSettings`), so a missing key
 * never breaks a rule. `timezone` falls back to SCHOOL_TIMEZONE.
 */
export async function loadSettings(sql: SqlExecutor, fallbackTimezone: string): Promise<KnownSettings> {
  const rows = await sql.query<{ key: string; value: unknown }>('SELECT key, value FROM settings');
  const merged: Record<string, unknown> = { ...defaultSettings({ timezone: fallbackTimezone, email: 'office@example.com' }) };
  for (const row of rows) merged[row.key] = row.value;
  return merged as unknown as KnownSettings;
}
