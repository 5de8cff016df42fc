import { sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Orm } from '../../db/client.js';
import type { SqlExecutor } from '../../db/sql-client.js';
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

/**
 * A SqlExecutor over a Drizzle transaction (the one `asCaller` opens), so helpers written for raw
 * SQL (`recordAudit`, `loadSettings`) run inside the same transaction and under the same role.
 */
export function ormExecutor(tx: Orm): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const chunks: SQL[] = text.split(/\$(\d+)/).map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${params[Number(part) - 1]}`));
      const result = (await tx.execute(sql.join(chunks))) as unknown as { rows: Row[] };
      return result.rows;
    },
    async exec(script: string) {
      await tx.execute(sql.raw(script));
    },
  };
}
