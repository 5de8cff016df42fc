import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardTiles, readDashboard, type DashboardTile } from '../../src/modules/reports/dashboard.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { buildReportSchool, type ReportSchool } from './school.js';

let t: TestApp;
let school: ReportSchool;

beforeAll(async () => {
  t = await createTestApp();
  school = await buildReportSchool(t.database.db);
}, 60_000);
afterAll(async () => t?.close());

const admin = () => ({ userId: school.admin.id, role: 'admin' as const });

describe('dashboard', () => {
  it('reads every tile for the school’s day (2027-11-10 in Halifax)', async () => {
    const now = Date.parse('2027-11-10T16:00:00Z');
    const answer = await readDashboard({ db: t.database.db, config: t.config }, admin(), () => now);
    expect(answer.today).toBe('2027-11-10');
    expect(answer.tiles).toEqual({
      todaysLessons: { total: 1, scheduled: 0, completed: 1, cancelled: 0 },
      // Owed: 2000 failed (Oct 20), 12000 (Aug 15) and 7000 (Sep 20) invoices, 3000 due today (not overdue).
      moneyDue: { dueCents: 24000, overdueCents: 21000, families: 3 },
      failedPayments: { awaitingAction: 1, retrying: 0, flaggedFamilies: 1 },
      waitlist: { waiting: 1 },
      lessonsWithoutAttendance: { count: 1 },
    });
  });

  it('is a list of tiles another module can extend', async () => {
    const extra: DashboardTile = { key: 'pendingApprovals', sql: `SELECT count(*)::int AS pending FROM lessons, ctx WHERE scheduled_at >= ctx.tomorrow_start` };
    const now = Date.parse('2027-11-10T16:00:00Z');
    const answer = await readDashboard({ db: t.database.db, config: t.config }, admin(), () => now, [...dashboardTiles, extra]);
    expect(Object.keys(answer.tiles)).toEqual(['todaysLessons', 'moneyDue', 'failedPayments', 'waitlist', 'lessonsWithoutAttendance', 'pendingApprovals']);
    // Lessons after 2027-11-10 in Halifax: L5, L6, L8 and L10.
    expect(answer.tiles.pendingApprovals).toEqual({ pending: 4 });
  });

  it('answers GET /api/v1/dashboard to an admin', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/dashboard', headers: school.admin.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.timezone).toBe('America/Halifax');
    expect(body.tiles.waitlist).toEqual({ waiting: 1 });
    expect(body.tiles.lessonsWithoutAttendance).toEqual({ count: 1 });
  });
});
