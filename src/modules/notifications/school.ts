import type { SqlExecutor } from '../../db/sql-client.js';
import { loadSettings } from '../settings/read.js';
import type { SchoolContext } from './render.js';

/** The school as templates show it (name, contact, zone), from the settings over their defaults. */
export async function loadSchoolContext(sql: SqlExecutor, fallbackTimezone: string): Promise<SchoolContext> {
  const settings = await loadSettings(sql, fallbackTimezone);
  const school = settings.school;
  return {
    name: school.name,
    email: school.email,
    phone: school.phone,
    timezone: settings.timezone || school.timezone || fallbackTimezone,
  };
}
