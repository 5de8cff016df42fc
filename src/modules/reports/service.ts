import { DateTime } from 'luxon';
import { forbidden, notFound, validationFailed } from '../../http/errors.js';
import type { Caller } from '../auth/scoped.js';
import { asCallerSql } from '../payments/read.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import { reports } from './registry.js';
import type { ReportAnswer, ReportQuery } from './schemas.js';

type Deps = Pick<SchoolServices, 'db' | 'config'>;

/** The longest range a report covers: 5 years (2022-01-01..2026-12-31 is the longest from 2022-01-01). */
export const MAX_RANGE_YEARS = 5;

/** The range of the query, in local days: defaults filled in, `to` before `from` and over 5 years refused (400). */
export function reportRange(query: Pick<ReportQuery, 'from' | 'to'>, timezone: string, now: () => number): { from: string; to: string } {
  const to = query.to ?? DateTime.fromMillis(now(), { zone: timezone }).toISODate()!;
  const from = query.from ?? DateTime.fromISO(to).plus({ days: 1 }).minus({ years: 1 }).toISODate()!;
  if (to < from) throw validationFailed([{ field: 'querystring.to', message: `must not be before from (${from})` }]);
  const limit = DateTime.fromISO(from).plus({ years: MAX_RANGE_YEARS }).toISODate()!;
  if (to >= limit) throw validationFailed([{ field: 'querystring.to', message: `the range may cover at most ${MAX_RANGE_YEARS} years: to must be before ${limit}` }]);
  return { from, to };
}

/**
 * Runs report `name` for `caller`, as the caller (row-level security applies). An admin reads any
 * figures (optionally one teacher's, `teacherId`); a teacher reads only the teacher-scoped reports,
 * always limited to themself: another teacher's `teacherId` is a 403 naming `querystring.teacherId`.
 */
export async function runReport(deps: Deps, caller: Caller, name: string, query: ReportQuery, now: () => number = Date.now): Promise<ReportAnswer> {
  const report = reports.get(name);
  if (!report) throw notFound(`Report "${name}" (known: ${[...reports.keys()].join(', ')})`);
  const groupBy = query.groupBy ?? report.groupings[0];
  if (!report.groupings.includes(groupBy)) {
    throw validationFailed([{ field: 'querystring.groupBy', message: `unknown grouping "${groupBy}" for ${name}: use one of ${report.groupings.join(', ')}` }]);
  }
  const { timezone } = await schoolSettings(deps.db, deps.config).get();
  const range = reportRange(query, timezone, now);
  let teacherId = query.teacherId ?? null;
  if (caller.role !== 'admin') {
    if (!report.teacherScoped) throw forbidden(`The ${name} report is for admins`);
    const [own] = await deps.db.sql.query<{ id: number }>('SELECT id FROM teachers WHERE user_id = $1', [caller.userId]);
    if (!own) throw forbidden('Only teachers and admins read reports');
    if (teacherId !== null && teacherId !== own.id) throw forbidden("querystring.teacherId: a teacher reads only their own figures, not another teacher's");
    teacherId = own.id;
  }
  if (teacherId !== null && !report.teacherScoped) {
    throw validationFailed([{ field: 'querystring.teacherId', message: `the ${name} report is not kept per teacher` }]);
  }
  const params = { timezone, from: range.from, to: range.to, groupBy, teacherId };
  const table = await asCallerSql(deps.db, caller, (sql) => report.run(sql, params));
  return { report: name, ...range, groupBy, timezone, teacherId, columns: [...table.columns], rows: table.rows, totals: table.totals };
}
