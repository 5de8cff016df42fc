import { DateTime } from 'luxon';
import type { SqlExecutor } from '../../db/sql-client.js';
import type { Caller } from '../auth/scoped.js';
import { asCallerSql } from '../payments/read.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import type { DashboardAnswer } from './schemas.js';
import type { ReportCell } from './types.js';

/** What a tile's query receives: the school's zone and the instants that bound today there. */
export interface TileContext {
  timezone: string;
  today: string;
  todayStart: Date;
  tomorrowStart: Date;
  now: Date;
}

/** One tile of the dashboard: a key and one small query (cheap: an index or a small table). */
export interface DashboardTile {
  key: string;
  read(sql: SqlExecutor, ctx: TileContext): Promise<Record<string, ReportCell>>;
}

const one = async (sql: SqlExecutor, text: string, params: unknown[]): Promise<Record<string, ReportCell>> => (await sql.query<Record<string, ReportCell>>(text, params))[0] ?? {};

/** Today's lessons (the school's day), by status; the old place of a rescheduled lesson is left out. */
export const todaysLessonsTile: DashboardTile = {
  key: 'todaysLessons',
  read: (sql, ctx) =>
    one(
      sql,
      `SELECT count(*) FILTER (WHERE status IN ('scheduled', 'completed'))::int AS total,
              count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled,
              count(*) FILTER (WHERE status = 'completed')::int AS completed,
              count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled
         FROM lessons WHERE scheduled_at >= $1 AND scheduled_at < $2`,
      [ctx.todayStart, ctx.tomorrowStart],
    ),
};

/**
 * Money families owe (as the family balance counts it: failed payments not settled, unpaid
 * subscription invoices), and the part of it overdue (due before today).
 */
export const moneyDueTile: DashboardTile = {
  key: 'moneyDue',
  read: (sql, ctx) =>
    one(
      sql,
      `WITH debts AS (
         SELECT parent_id, coalesce(first_failed_at, created_at) AS due_at, amount_cents AS cents
           FROM payments WHERE status = 'failed' AND settles_payment_id IS NULL
         UNION ALL
         SELECT parent_id, coalesce(period_start, created_at), amount_due_cents - amount_paid_cents
           FROM invoices WHERE status IN ('open', 'uncollectible') AND amount_due_cents > amount_paid_cents
       )
       SELECT coalesce(sum(cents), 0)::int AS "dueCents",
              coalesce(sum(cents) FILTER (WHERE due_at < $1), 0)::int AS "overdueCents",
              count(DISTINCT parent_id)::int AS families
         FROM debts`,
      [ctx.todayStart],
    ),
};

/**
 * Failed payments: awaitingAction = failed, not settled or being settled, with no automatic retry
 * planned (dunning over or cancelled: the office must act); retrying = a retry is planned;
 * flaggedFamilies = families with an open flag.
 */
export const failedPaymentsTile: DashboardTile = {
  key: 'failedPayments',
  read: (sql) =>
    one(
      sql,
      `SELECT count(*) FILTER (WHERE next_retry_at IS NULL AND settled_by_payment_id IS NULL)::int AS "awaitingAction",
              count(*) FILTER (WHERE next_retry_at IS NOT NULL)::int AS retrying,
              (SELECT count(*)::int FROM family_flags WHERE cleared_at IS NULL) AS "flaggedFamilies"
         FROM payments WHERE status = 'failed' AND settles_payment_id IS NULL`,
      [],
    ),
};

/** Families waiting for a place (enrollments waitlisted). */
export const waitlistTile: DashboardTile = {
  key: 'waitlist',
  read: (sql) => one(sql, `SELECT count(*)::int AS waiting FROM enrollments WHERE status = 'waitlisted'`, []),
};

/** Lessons that have ended but are still `scheduled`: attendance never taken. */
export const lessonsWithoutAttendanceTile: DashboardTile = {
  key: 'lessonsWithoutAttendance',
  read: (sql, ctx) => one(sql, `SELECT count(*)::int AS count FROM lessons WHERE status = 'scheduled' AND scheduled_at < $1 AND ends_at <= $1`, [ctx.now]),
};

/**
 * The dashboard's tiles, in order. To add one (e.g. pending approvals), write a DashboardTile and
 * append it here: the route, its answer and the tests read this list.
 */
export const dashboardTiles: DashboardTile[] = [todaysLessonsTile, moneyDueTile, failedPaymentsTile, waitlistTile, lessonsWithoutAttendanceTile];

/** GET /api/v1/dashboard: every tile, read as the caller in one transaction. */
export async function readDashboard(
  deps: Pick<SchoolServices, 'db' | 'config'>,
  caller: Caller,
  now: () => number = Date.now,
  tiles: readonly DashboardTile[] = dashboardTiles,
): Promise<DashboardAnswer> {
  const { timezone } = await schoolSettings(deps.db, deps.config).get();
  const local = DateTime.fromMillis(now(), { zone: timezone }).startOf('day');
  const ctx: TileContext = { timezone, today: local.toISODate()!, todayStart: local.toJSDate(), tomorrowStart: local.plus({ days: 1 }).toJSDate(), now: new Date(now()) };
  const values = await asCallerSql(deps.db, caller, async (sql) => {
    const read: [string, Record<string, ReportCell>][] = [];
    for (const tile of tiles) read.push([tile.key, await tile.read(sql, ctx)]);
    return read;
  });
  return { generatedAt: ctx.now.toISOString(), timezone, today: ctx.today, tiles: Object.fromEntries(values) };
}
