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
      pendingApprovals: { pending: 0 },
      openTasks: { open: 0, overdue: 0 },
    });
  });

  it('counts the approvals waiting for a decision and the open follow-up tasks', async () => {
    const sql = t.database.db.sql;
    await sql.query(`INSERT INTO workflow_runs (id, workflow_name, status) VALUES ('00000000-0000-4000-8000-00000000da5b', 'payment-issue', 'failed')`);
    for (const [signal, status] of [
      ['approval:a', 'pending'],
      ['approval:b', 'pending'],
      ['approval:c', 'rejected'],
    ] as const) {
      await sql.query(
        `INSERT INTO approvals (kind, title, draft, source, run_id, node_id, signal, status, expires_at, decided_at, decision_reason)
         VALUES ('payment_issue.reply', 'Reply', '{}', 'rules', '00000000-0000-4000-8000-00000000da5b', 'approval', $1, $2, now() + interval '3 days',
                 CASE WHEN $2 = 'pending' THEN NULL ELSE now() END, CASE WHEN $2 = 'rejected' THEN 'Not now' END)`,
        [signal, status],
      );
    }
    await sql.query(
      `INSERT INTO tasks (title, due_on, status, closed_at) VALUES ('Call the family', '2027-11-09', 'open', NULL), ('Send the form', '2027-11-12', 'open', NULL), ('Done', '2027-11-01', 'done', now())`,
    );
    const answer = await readDashboard({ db: t.database.db, config: t.config }, admin(), () => Date.parse('2027-11-10T16:00:00Z'));
    expect(answer.tiles.pendingApprovals).toEqual({ pending: 2 });
    expect(answer.tiles.openTasks).toEqual({ open: 2, overdue: 1 });
    await sql.query(`DELETE FROM tasks`);
    await sql.query(`DELETE FROM approvals`);
    await sql.query(`DELETE FROM workflow_runs WHERE id = '00000000-0000-4000-8000-00000000da5b'`);
  });

  it('is a list of tiles another module can extend', async () => {
    const extra: DashboardTile = { key: 'lessonsAhead', sql: `SELECT count(*)::int AS pending FROM lessons, ctx WHERE scheduled_at >= ctx.tomorrow_start` };
    const now = Date.parse('2027-11-10T16:00:00Z');
    const answer = await readDashboard({ db: t.database.db, config: t.config }, admin(), () => now, [...dashboardTiles, extra]);
    expect(Object.keys(answer.tiles)).toEqual([
      'todaysLessons',
      'moneyDue',
      'failedPayments',
      'waitlist',
      'lessonsWithoutAttendance',
      'pendingApprovals',
      'openTasks',
      'lessonsAhead',
    ]);
    // Lessons after 2027-11-10 in Halifax: L5, L6, L8 and L10.
    expect(answer.tiles.lessonsAhead).toEqual({ pending: 4 });
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
