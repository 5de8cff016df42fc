import { DateTime } from 'luxon';
import { z } from 'zod';
import { boundedDate } from '../../http/date-schemas.js';
import { errorResponse } from '../../http/error-schemas.js';

// Small pieces shared by the school-records routes (students, teachers, academics, settings, audit).

export const security = [{ bearerAuth: [] }];
export const errors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
} as const;

/** A positive int4 id in a path segment: `abc` or `0` answers 400 naming `params.<name>`. */
export const idNumber = z.coerce.number().int().min(1).max(2_147_483_647);
export const idParams = z.object({ id: idNumber });

/** A calendar date 'YYYY-MM-DD' that exists (2025-02-30 is refused), 1900-01-01 to 2100-12-31 (request fields). */
export const isoDate = boundedDate;

/** `?active=true|false|all` (lists of people). */
export const activeFilter = z.enum(['true', 'false', 'all']);

/** No content (204). */
export const noContent = z.null().describe('No content');

export const toIso = (value: Date): string => value.toISOString();
export const toIsoOrNull = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** Today's date in `zone`, 'YYYY-MM-DD'. */
export const todayIn = (zone: string): string => DateTime.now().setZone(zone).toISODate() ?? DateTime.utc().toISODate()!;

/** A `%q%` ILIKE pattern with the wildcards of `q` escaped. */
export const containsPattern = (q: string): string => `%${q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
