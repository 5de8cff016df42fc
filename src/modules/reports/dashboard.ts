import { DateTime } from 'luxon';
import type { Caller } from '../auth/scoped.js';
import { asCallerSql } from '../payments/read.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import type { DashboardAnswer } from './schemas.js';
import type { ReportCell } from './types.js';

/**
 * One tile of the dashboard: a key and one small SELECT answering one row (cheap: an index or a
 * small table). It may read the CTE `ctx` (one row): `today_start`, `tomorrow_start` (the school's
 * day as instants), `today` (its date) and `now`. All tiles run as one statement, one round trip.
 */
export interface DashboardTile {
  key: string;
  sql: string;
}

/** Today's lessons (the school's day), by status; the old place of a rescheduled lesson is left out. */
export const todaysLessonsTile: DashboardTile = {
  key: 'todaysLessons',
  sql: `SELECT count(*) FILTER (WHERE status IN ('scheduled', 'completed'))::int AS total,
              count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled,
              count(*) FILTER (WHERE status = 'completed')::int AS completed,
              count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
         FROM lessons, ctx WHERE scheduled_at >= ctx.today_start AND scheduled_at < ctx.tomorrow_start`,
};

/**
 * Money families owe (as the family balance counts it: failed payments not settled, unpaid
 * subscription invoices), and the part of it overdue (due before today).
 */
export const moneyDueTile: DashboardTile = {
  key: 'moneyDue',
  sql: `WITH debts AS (
         SELECT parent_id, coalesce(first_failed_at, created_at) AS due_at, amount_cents AS cents
           FROM payments WHERE status = 'failed' AND settles_payment_id IS NULL
         UNION ALL
         SELECT parent_id, coalesce(period_start, created_at), amount_due_cents - amount_paid_cents
           FROM invoices WHERE status IN ('open', 'uncollectible') AND amount_due_cents > amount_paid_cents
       )
       SELECT coalesce(sum(cents), 0)::int AS "dueCents",
              coalesce(sum(cents) FILTER (WHERE due_at < (SELECT today_start FROM ctx)), 0)::int AS "overdueCents",
              count(DISTINCT parent_id)::int AS families
         FROM debts`,
};

/**
 * Failed payments: awaitingAction = failed, not settled or being settled, with no automatic retry
 * planned (dunning over or cancelled: the office must act); retrying = a retry is planned;
 * flaggedFamilies = families with an open flag.
 */
export const failedPaymentsTile: DashboardTile = {
  key: 'failedPayments',
  sql: `SELECT count(*) FILTER (WHERE next_retry_at IS NULL AND settled_by_payment_id IS NULL)::int AS "awaitingAction",
              count(*) FILTER (WHERE next_retry_at IS NOT NULL)::int AS retrying,
              (SELECT count(*)::int FROM family_flags WHERE cleared_at IS NULL) AS "flaggedFamilies"
         FROM payments WHERE status = 'failed' AND settles_payment_id IS NULL`,
};

/** Families waiting for a place (enrollments waitlisted). */
export const waitlistTile: DashboardTile = {
  key: 'waitlist',
  sql: `SELECT count(*)::int AS waiting FROM enrollments WHERE status = 'waitlisted'`,
};

/** Lessons that have ended but are still `scheduled`: attendance never taken. */
export const lessonsWithoutAttendanceTile: DashboardTile = {
  key: 'lessonsWithoutAttendance',
  sql: `SELECT count(*)::int AS count FROM lessons, ctx WHERE status = 'scheduled' AND scheduled_at < ctx.now AND ends_at <= ctx.now`,
};

/** Drafts waiting for the owner's decision (the approvals inbox; partial index on pending). */
export const pendingApprovalsTile: DashboardTile = {
  key: 'pendingApprovals',
  sql: `SELECT count(*)::int AS pending FROM approvals WHERE status = 'pending'`,
};

/** Follow-up tasks still open, and those past their due day (school's day). */
export const openTasksTile: DashboardTile = {
  key: 'openTasks',
  sql: `SELECT count(*)::int AS open, (count(*) FILTER (WHERE due_on IS NOT NULL AND due_on < ctx.today))::int AS overdue FROM tasks, ctx WHERE status = 'open'`,
};

/**
 * The dashboard's tiles, in order. To add one, write a DashboardTile and append it here: the
 * route, its answer and the tests read this list.
 */
export const dashboardTiles: DashboardTile[] = [
  todaysLessonsTile,
  moneyDueTile,
  failedPaymentsTile,
  waitlistTile,
  lessonsWithoutAttendanceTile,
  pendingApprovalsTile,
  openTasksTile,
];

/** The tiles as one statement: `ctx` from $1..$4 (`today` is the school's date), then each tile's row as a JSON object, in order. */
export function dashboardStatement(tiles: readonly DashboardTile[]): string {
  const columns = tiles.map((tile, index) => `(SELECT to_jsonb(tile) FROM (${tile.sql}) AS tile) AS t${index}`);
  return `WITH ctx AS (SELECT $1::timestamptz AS today_start, $2::timestamptz AS tomorrow_start, $3::timestamptz AS now, $4::date AS today) SELECT ${columns.join(', ')}`;
}

/** GET /api/v1/dashboard: every tile, read as the caller in one statement. */
export async function readDashboard(
  deps: Pick<SchoolServices, 'db' | 'config'>,
  caller: Caller,
  now: () => number = Date.now,
  tiles: readonly DashboardTile[] = dashboardTiles,
): Promise<DashboardAnswer> {
  const { timezone } = await schoolSettings(deps.db, deps.config).get();
  const at = new Date(now());
  const today = DateTime.fromMillis(at.getTime(), { zone: timezone }).startOf('day');
  const [row] = await asCallerSql(deps.db, caller, (sql) =>
    sql.query<Record<string, Record<string, ReportCell> | null>>(dashboardStatement(tiles), [today.toJSDate(), today.plus({ days: 1 }).toJSDate(), at, today.toISODate()]),
  );
  return { generatedAt: at.toISOString(), timezone, today: today.toISODate()!, tiles: Object.fromEntries(tiles.map((tile, index) => [tile.key, row?.[`t${index}`] ?? {}])) };
}
