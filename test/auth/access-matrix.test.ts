import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../../src/engine/index.js';
import type { Role, RouteAccess } from '../../src/modules/auth/access.js';
import { guardedRoutes } from '../../src/modules/auth/guard.js';
import { buildWorkflowRegistry } from '../../src/runtime/workflows.js';
import { createServices } from '../../src/runtime/services.js';
import { createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createTestEngine } from '../helpers/engine.js';
import { createTwoFamilies, type TwoFamilies } from './fixtures.js';

/**
 * The access matrix: every route of the real app, read from its route table (so a new route is
 * covered the moment it is registered), called by six callers. Path parameters are replaced by
 * family A's records (table below); a route with a parameter the table does not know fails the
 * test, loudly, until a substitution is added.
 *
 * Rules:
 * - public routes never answer 401/403;
 * - other routes answer 401 without a token;
 * - role lists answer 403 to roles not listed;
 * - callers the guard lets through never get 401, and get 403 only when the record is not theirs
 *   (ownership refusals by the route itself);
 * - no route ever answers 5xx;
 * - no body seen by parent B, the other teacher or an anonymous caller contains family A's data.
 */

const CALLERS = ['none', 'parentB', 'teacherB', 'parentA', 'teacherA', 'admin'] as const;
type CallerName = (typeof CALLERS)[number];
const SIGNED_IN: CallerName[] = ['parentA', 'parentB', 'teacherA', 'teacherB', 'admin'];
/** Callers who must never see family A's records. */
const OUTSIDERS: CallerName[] = ['none', 'parentB', 'teacherB'];

interface Substitution {
  value: string;
  /** Callers entitled to the record: the route may refuse (403) anyone else the guard let through. */
  owners: CallerName[];
}

interface MatrixRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

/** Routes of third-party plugins that serve static assets: not part of the API. */
const skipped = (route: { method: string; url: string }): boolean =>
  route.method === 'HEAD' || route.method === 'OPTIONS' || route.url === '/docs' || route.url.startsWith('/docs/');

/**
 * Who may call a route where API.md fixes it without "own" nuances. Checked for every route of
 * this list that is registered, so a route declared more openly than the contract fails here.
 */
const contract: Record<string, RouteAccess> = {
  'GET /health': 'public',
  'GET /health/ready': 'public',
  'GET /openapi.json': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/validate': 'public',
  'POST /api/v1/auth/password-reset/request': 'public',
  'POST /api/v1/auth/password-reset/confirm': 'public',
  'POST /api/v1/auth/logout': 'authenticated',
  'GET /api/v1/auth/me': 'authenticated',
  'POST /api/v1/auth/password': 'authenticated',
  'GET /api/v1/users': ['admin'],
  'POST /api/v1/users': ['admin'],
  'DELETE /api/v1/users/:id': ['admin'],
  'POST /api/v1/students': ['admin'],
  'PUT /api/v1/students/:id': ['admin'],
  'PATCH /api/v1/students/:id': ['admin'],
  'DELETE /api/v1/students/:id': ['admin'],
  'GET /api/v1/teachers': 'authenticated',
  'POST /api/v1/teachers': ['admin'],
  'GET /api/v1/teachers/:id/availability': 'authenticated',
  'POST /api/v1/lessons/check-conflicts': 'authenticated',
  'GET /api/v1/settings': ['admin'],
  'PUT /api/v1/settings/:key': ['admin'],
  'GET /api/v1/audit': ['admin'],
  'GET /api/v1/users/:id/consents': 'authenticated',
  'PUT /api/v1/users/:id/consents': 'authenticated',
  'GET /api/v1/privacy/retention': ['admin'],
  'PUT /api/v1/privacy/retention': ['admin'],
  'POST /api/v1/privacy/retention/run': ['admin'],
  'GET /api/v1/outbox': ['admin'],
  'GET /api/v1/enrollments': ['admin'],
  'POST /api/v1/enrollments': ['admin'],
  'POST /api/v1/public/enrollments': 'public',
  'GET /api/v1/public/teachers': 'public',
  'GET /api/v1/public/timeslots': 'public',
  'GET /api/v1/public/pricing': 'public',
  'GET /api/v1/public/school': 'public',
  'GET /api/v1/payments/reconciliation': ['admin'],
  'POST /api/v1/payments/:id/refund': ['admin'],
  'POST /api/v1/billing/:parentId/subscription': ['admin'],
  'GET /api/v1/workflows': ['admin'],
  'POST /api/v1/academic-years': ['admin'],
  'POST /api/v1/semesters': ['admin'],
  'POST /api/v1/closures': ['admin'],
  'PUT /api/v1/teachers/:id/pay-rate': ['admin'],
  'POST /api/v1/payroll/runs': ['admin'],
  'POST /api/v1/students/:id/goals': ['admin', 'teacher'],
  'PATCH /api/v1/students/:id/goals/:goalId': ['admin', 'teacher'],
  'DELETE /api/v1/students/:id/goals/:goalId': ['admin', 'teacher'],
  'POST /api/v1/students/:id/repertoire': ['admin', 'teacher'],
  'PATCH /api/v1/students/:id/repertoire/:pieceId': ['admin', 'teacher'],
  'DELETE /api/v1/students/:id/repertoire/:pieceId': ['admin', 'teacher'],
  'POST /api/v1/students/:id/assessments': ['admin', 'teacher'],
  'PATCH /api/v1/students/:id/assessments/:assessmentId': ['admin', 'teacher'],
  'DELETE /api/v1/students/:id/assessments/:assessmentId': ['admin', 'teacher'],
  'POST /api/v1/privacy/erasures': ['admin', 'parent'],
  'GET /api/v1/privacy/erasures': ['admin'],
  'GET /api/v1/privacy/erasures/:id': ['admin'],
  'POST /api/v1/privacy/erasures/:id/approve': ['admin'],
  'POST /api/v1/privacy/erasures/:id/reject': ['admin'],
  'GET /api/v1/approvals': ['admin'],
  'GET /api/v1/approvals/:id': ['admin'],
  'POST /api/v1/approvals/:id/approve': ['admin'],
  'POST /api/v1/approvals/:id/reject': ['admin'],
  'GET /api/v1/tasks': ['admin'],
  'POST /api/v1/tasks': ['admin'],
  'GET /api/v1/tasks/:id': ['admin'],
  'PATCH /api/v1/tasks/:id': ['admin'],
  'POST /api/v1/ai/payment-issues': ['admin'],
  'GET /api/v1/reports/:report': ['admin', 'teacher'],
  'GET /api/v1/dashboard': ['admin'],

  'POST /api/v1/privacy/exports': ['admin', 'parent'],
  'GET /api/v1/privacy/exports/:id': ['admin', 'parent'],
  'GET /api/v1/privacy/exports/:id/download': ['admin', 'parent'],

  'POST /api/v1/imports': ['admin'],
  'GET /api/v1/imports': ['admin'],
  'GET /api/v1/imports/:id': ['admin'],

  'POST /api/v1/ai/schedule-review': ['admin'],
  'GET /api/v1/reports/schedule-reviews': ['admin'],
  'GET /api/v1/reports/schedule-reviews/:id': ['admin'],
};

/** 'public', or the sorted roles a declaration admits ('authenticated' = every role). */
const admitted = (access: RouteAccess): string => (access === 'public' ? 'public' : (access === 'authenticated' ? ['admin', 'parent', 'teacher'] : [...access].sort()).join(','));

describe('access matrix: every registered route × six callers', () => {
  let database: TestDatabase;
  let engine: WorkflowEngine;
  let t: TestApp;
  let f: TwoFamilies;
  let routes: MatrixRoute[];
  const headersOf = {} as Record<CallerName, Record<string, string>>;
  const roleOf = {} as Record<CallerName, Role | undefined>;
  const lazy = new Map<string, Promise<Substitution>>();

  beforeAll(async () => {
    database = await createTestDatabase();
    engine = await createTestEngine(database, buildWorkflowRegistry(createServices(testConfig(), database.db)));
    t = await createTestApp({
      env: { RATE_LIMIT_MAX: '0', AUTH_RATE_LIMIT_MAX: '100000', PUBLIC_RATE_LIMIT_MAX: '100000' },
      deps: { engine, db: database.db },
    });
    f = await createTwoFamilies(database.db);
    const users = { parentA: f.parentA, parentB: f.parentB, teacherA: f.teacherA, teacherB: f.teacherB, admin: f.admin };
    headersOf.none = {};
    roleOf.none = undefined;
    for (const [name, user] of Object.entries(users) as Array<[Exclude<CallerName, 'none'>, typeof f.admin]>) {
      headersOf[name] = user.headers;
      roleOf[name] = user.role;
    }
    routes = guardedRoutes(t.app)
      .filter((route) => !skipped(route))
      .map((route) => {
        if (route.access === undefined) throw new Error(`${route.method} ${route.url} has no declared access`);
        return { method: route.method, url: route.url, access: route.access };
      });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await engine?.stop();
    await database?.dispose();
  });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database.db.sql.query<T>(text, params);
  const once = (key: string, make: () => Promise<Substitution>): Promise<Substitution> => {
    if (!lazy.has(key)) lazy.set(key, make());
    return lazy.get(key)!;
  };
  const insertId = async (text: string, params: unknown[] = []): Promise<string> => String((await sql<{ id: unknown }>(text, params))[0]!.id);

  /** `:id` by the resource it names (the path before it, after /api/v1/). */
  const idByResource: Record<string, () => Promise<Substitution>> = {
    users: async () => ({ value: String(f.parentA.id), owners: ['admin', 'parentA'] }),
    students: async () => ({ value: String(f.childA), owners: ['admin', 'parentA', 'teacherA'] }),
    lessons: async () => ({ value: String(f.lessonA), owners: ['admin', 'parentA', 'teacherA'] }),
    payments: async () => ({ value: String(f.paymentA), owners: ['admin', 'parentA'] }),
    teachers: async () => ({ value: String(f.teacherA.teacherId), owners: ['admin', 'teacherA'] }),
    'academic-years': () =>
      once('year', async () => ({
        value: await insertId(`INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Matrix year', '2030-09-01', '2031-06-30') RETURNING id`),
        owners: SIGNED_IN,
      })),
    semesters: () =>
      once('semester', async () => {
        const year = await idByResource['academic-years']!();
        return {
          value: await insertId(`INSERT INTO semesters (academic_year_id, name, starts_on, ends_on) VALUES ($1, 'Matrix fall', '2030-09-01', '2030-12-20') RETURNING id`, [
            Number(year.value),
          ]),
          owners: SIGNED_IN,
        };
      }),
    closures: () =>
      once('closure', async () => ({
        value: await insertId(`INSERT INTO closures (name, starts_on, ends_on) VALUES ('Matrix break', '2030-12-21', '2031-01-04') RETURNING id`),
        owners: SIGNED_IN,
      })),
    notifications: () =>
      once('notification', async () => ({
        value: await insertId(`INSERT INTO notifications (user_id, kind, title, body) VALUES ($1, 'info', 'For family A', $2) RETURNING id`, [f.parentA.id, f.familyAMarkers[0]]),
        owners: ['admin', 'parentA'],
      })),
    'calendar/feeds': () =>
      once('feed', async () => ({
        value: await insertId(`INSERT INTO calendar_feeds (owner_kind, parent_id, token_hash, created_by) VALUES ('parent', $1, $2, $1) RETURNING id`, [
          f.parentA.id,
          randomBytes(32).toString('hex'),
        ]),
        owners: ['admin', 'parentA'],
      })),
    enrollments: () =>
      once('enrollment', async () => ({
        value: await insertId(
          `INSERT INTO enrollments (status, source, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument, parent_id, student_id)
           VALUES ('completed', 'public', '{}'::jsonb, $1, 'Kid', $2, '2015-03-04', 'piano', $3, $4) RETURNING id`,
          [f.parentA.email, f.familyAMarkers[0], f.parentA.id, f.childA],
        ),
        owners: ['admin', 'parentA'],
      })),
    // An approved payroll run paying teacher A for family A's lesson: teacher B sees nothing of it.
    'payroll/runs': () =>
      once('payrollRun', async () => {
        const id = await insertId(
          `INSERT INTO payroll_runs (period_from, period_to, status, policy, approved_at) VALUES ('2030-01-01', '2030-01-31', 'approved', '{}', now()) RETURNING id`,
        );
        await sql(
          `INSERT INTO payroll_lines (run_id, lesson_id, teacher_id, lesson_teacher_id, scheduled_at, lesson_date, minutes, rate_per_hour_cents, pay_percent, amount_cents, reason, settled)
           VALUES ($1, $2, $3, $3, now(), '2030-01-15', 30, 6000, 100, 3000, 'taught', true)`,
          [Number(id), f.lessonA, f.teacherA.teacherId],
        );
        return { value: id, owners: ['admin', 'teacherA'] };
      }),
    // Rejected already: the matrix's empty-body approve is then a 409 and erases nobody.
    'privacy/erasures': () =>
      once('erasure', async () => ({
        value: await insertId(`INSERT INTO erasure_requests (user_id, requested_by, reason, status) VALUES ($1, $1, 'Matrix', 'rejected') RETURNING id`, [f.parentA.id]),
        owners: ['admin', 'parentA'],
      })),
    approvals: () =>
      once('approval', async () => {
        const run = await idByResource['workflows/runs']!();
        return {
          value: await insertId(
            `INSERT INTO approvals (kind, title, draft, source, run_id, node_id, signal, parent_id, expires_at)
             VALUES ('payment_issue.reply', 'Matrix approval', $2::jsonb, 'rules', $1, 'approval', 'approval:matrix', $3, now() + interval '3 days') RETURNING id`,
            [run.value, JSON.stringify({ reply: f.familyAMarkers[0] }), f.parentA.id],
          ),
          owners: ['admin'],
        };
      }),
    tasks: () =>
      once('task', async () => ({
        value: await insertId(`INSERT INTO tasks (title, details, user_id) VALUES ('Matrix task', $1, $2) RETURNING id`, [f.familyAMarkers[0], f.parentA.id]),
        owners: ['admin'],
      })),

    'privacy/exports': () =>
      once('privacyExport', async () => ({
        value: await insertId(
          `INSERT INTO privacy_exports (user_id, requested_by, status, counts, archive, archive_bytes, ready_at, expires_at)
           VALUES ($1, $1, 'ready', '{"account.json": 1}'::jsonb, convert_to($2, 'UTF8'), 10, now(), now() + interval '7 days') RETURNING id`,
          [f.parentA.id, f.familyAMarkers[0]],
        ),
        owners: ['admin', 'parentA'],
      })),

    imports: () =>
      once('import', async () => ({
        value: await insertId(`INSERT INTO imports (kind, total_rows, row_errors) VALUES ('families', 1, $1::jsonb) RETURNING id`, [
          JSON.stringify([{ row: 2, errors: [{ column: 'Student Last Name', message: f.familyAMarkers[0] }] }]),
        ]),
        owners: ['admin'],
      })),
    'reports/schedule-reviews': () =>
      once('scheduleReview', async () => ({
        value: await insertId(
          `INSERT INTO schedule_reviews (range_from, range_to, figures, summary, suggestions, source)
           VALUES ('2030-03-04', '2030-03-10', $2, 'Matrix review', $1, 'rules') RETURNING id`,
          [
            JSON.stringify([
              {
                // A move into the past: applying it fails cleanly (no notice is started: the matrix runs no engine for the app).
                action: 'move_lesson',
                lessonId: f.lessonA,
                toStartsAt: '2020-01-06T16:00:00Z',
                enrollmentId: null,
                teacherId: f.teacherA.teacherId,
                startsAt: null,
                reason: 'Matrix',
                status: 'proposed',
                outcome: null,
                decidedAt: null,
                decidedBy: null,
              },
            ]),
            JSON.stringify({ from: '2030-03-04', to: '2030-03-10', timezone: 'America/Halifax', teachers: [], gaps: [], spreadDays: [], clashes: [], waitlistFits: [] }),
          ],
        ),
        owners: ['admin'],
      })),
    'workflows/runs': () =>
      once('run', async () => ({
        value: await insertId(`INSERT INTO workflow_runs (id, workflow_name, status) VALUES ($1, 'matrix', 'failed') RETURNING id`, [randomUUID()]),
        owners: ['admin'],
      })),
  };

  /** Other path parameters, by name. */
  const byName: Record<string, () => Promise<Substitution>> = {
    timeOffId: () =>
      once('timeOff', async () => ({
        value: await insertId(
          `INSERT INTO teacher_time_off (teacher_id, starts_at, ends_at, reason) VALUES ($1, now() + interval '30 days', now() + interval '31 days', 'Matrix') RETURNING id`,
          [f.teacherA.teacherId],
        ),
        owners: ['admin', 'teacherA'],
      })),
    conversationId: () =>
      once('conversation', async () => {
        const id = await insertId(`INSERT INTO conversations (subject, parent_id, with_school, started_by) VALUES ('Matrix question', $1, true, $1) RETURNING id`, [f.parentA.id]);
        await insertId(`INSERT INTO conversation_messages (conversation_id, author_id, author_role, body) VALUES ($1, $2, 'parent', $3) RETURNING id`, [
          Number(id),
          f.parentA.id,
          f.familyAMarkers[0],
        ]);
        return { value: id, owners: ['admin', 'parentA'] };
      }),
    goalId: () =>
      once('goal', async () => ({
        value: await insertId(`INSERT INTO student_goals (student_id, title, set_on) VALUES ($1, $2, '2030-01-06') RETURNING id`, [f.childA, f.familyAMarkers[0]]),
        owners: ['admin', 'parentA', 'teacherA'],
      })),
    pieceId: () =>
      once('piece', async () => ({
        value: await insertId(`INSERT INTO student_pieces (student_id, title, started_on) VALUES ($1, $2, '2030-01-06') RETURNING id`, [f.childA, f.familyAMarkers[0]]),
        owners: ['admin', 'parentA', 'teacherA'],
      })),
    assessmentId: () =>
      once('assessment', async () => ({
        value: await insertId(`INSERT INTO student_assessments (student_id, exam_body, level, assessed_on, notes) VALUES ($1, 'RCM', 'Grade 4', '2030-01-06', $2) RETURNING id`, [
          f.childA,
          f.familyAMarkers[0],
        ]),
        owners: ['admin', 'parentA', 'teacherA'],
      })),
    parentId: async () => ({ value: String(f.parentA.id), owners: ['admin', 'parentA'] }),
    studentId: async () => ({ value: String(f.childA), owners: ['admin', 'parentA', 'teacherA'] }),
    teacherId: async () => ({ value: String(f.teacherA.teacherId), owners: ['admin', 'teacherA'] }),
    lessonId: async () => ({ value: String(f.lessonA), owners: ['admin', 'parentA', 'teacherA'] }),
    runId: () => idByResource['workflows/runs']!(),
    key: async () => ({ value: 'timezone', owners: ['admin'] }),
    // Teacher-scoped: each teacher reads their own figures.
    report: async () => ({ value: 'attendance', owners: ['admin', 'teacherA', 'teacherB'] }),

    index: async () => ({ value: '0', owners: ['admin'] }),
    name: async () => ({ value: engine.registry.list()[0]?.name ?? 'no-such-workflow', owners: ['admin'] }),
    // The holder of a feed's secret link may read it: a wrong token must answer without any data.
    feedToken: async () => ({ value: randomBytes(24).toString('base64url'), owners: [] }),
  };

  /** The URL to call and who owns the records it names; throws when a parameter is unknown. */
  async function requestFor(route: MatrixRoute): Promise<{ url: string; owners: CallerName[] }> {
    if (route.url.includes('*')) throw new Error(`${route.method} ${route.url}: wildcard route; add a rule to the access matrix`);
    let owners: CallerName[] = [...SIGNED_IN];
    const segments = route.url.split('/');
    const parts: string[] = [];
    for (const [index, segment] of segments.entries()) {
      const match = /^:([A-Za-z0-9_]+)(.*)$/.exec(segment);
      if (!match) {
        parts.push(segment);
        continue;
      }
      const [, param, suffix] = match as unknown as [string, string, string];
      const resource = segments
        .slice(0, index)
        .join('/')
        .replace(/^\/api\/v1\//, '');
      const make = param === 'id' ? idByResource[resource] : byName[param];
      if (!make) {
        throw new Error(`${route.method} ${route.url}: no substitution for :${param}${param === 'id' ? ` of "${resource}"` : ''}; add one to the access matrix table`);
      }
      const substitution = await make();
      owners = owners.filter((caller) => substitution.owners.includes(caller));
      parts.push(`${encodeURIComponent(substitution.value)}${suffix}`);
    }
    return { url: parts.join('/'), owners };
  }

  /** Mutations may deactivate or demote the fixture users; put them back so later calls test access, not leftovers. */
  async function restoreFixtures(): Promise<void> {
    // One statement, writing only the rows a call changed (usually none).
    const users = [f.parentA, f.parentB, f.teacherA, f.teacherB, f.admin];
    await sql(
      `UPDATE users u SET is_active = true, tokens_valid_after = NULL, role = fixture.role
         FROM unnest($1::int[], $2::text[]) AS fixture(id, role)
        WHERE u.id = fixture.id AND (NOT u.is_active OR u.tokens_valid_after IS NOT NULL OR u.role <> fixture.role)`,
      [users.map((u) => u.id), users.map((u) => u.role)],
    );
  }

  it('reads the route table of the real app', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /api/v1/auth/login',
        'GET /api/v1/auth/me',
        'GET /api/v1/users',
        'PATCH /api/v1/users/:id',
        'DELETE /api/v1/users/:id',
        'GET /api/v1/workflows/runs/:id',
      ]),
    );
  });

  it('declares the access API.md fixes', () => {
    const checked = routes.filter((r) => contract[`${r.method} ${r.url}`] !== undefined);
    expect(checked.length).toBeGreaterThanOrEqual(14);
    const mismatches = checked
      .filter((r) => admitted(r.access) !== admitted(contract[`${r.method} ${r.url}`]!))
      .map((r) => `${r.method} ${r.url}: declared ${JSON.stringify(r.access)}, API.md says ${JSON.stringify(contract[`${r.method} ${r.url}`])}`);
    expect(mismatches).toEqual([]);
  });

  it('can build a request for every route', async () => {
    const problems: string[] = [];
    for (const route of routes) {
      try {
        await requestFor(route);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    expect(problems).toEqual([]);
  });

  it('allows and refuses as declared, and never leaks family A to outsiders', async () => {
    const order = (method: string): number => (method === 'GET' ? 0 : method === 'DELETE' ? 2 : 1);
    const ordered = [...routes].sort((a, b) => order(a.method) - order(b.method));
    const failures: string[] = [];
    const seen: string[] = [];

    for (const route of ordered) {
      const { url, owners } = await requestFor(route);
      for (const caller of CALLERS) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url,
          headers: headersOf[caller],
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        if (route.method !== 'GET') await restoreFixtures();
        const status = res.statusCode;
        const where = `${route.method} ${route.url} as ${caller} → ${status}`;
        seen.push(where);
        const role = roleOf[caller];

        if (status >= 500) failures.push(`${where}: server error ${res.body.slice(0, 200)}`);
        if (route.access === 'public') {
          if (status === 401 || status === 403) failures.push(`${where}: a public route refused`);
        } else if (caller === 'none') {
          if (status !== 401) failures.push(`${where}: expected 401 without a token`);
          else if (res.json().error?.code !== 'unauthenticated') failures.push(`${where}: 401 without the unauthenticated code`);
        } else if (route.access !== 'authenticated' && !route.access.includes(role!)) {
          if (status !== 403) failures.push(`${where}: expected 403 for the role ${role} (route allows ${route.access.join(', ')})`);
        } else {
          if (status === 401) failures.push(`${where}: a signed-in ${role} the route allows got 401`);
          if (status === 403 && owners.includes(caller)) failures.push(`${where}: refused its own record (owners: ${owners.join(', ')})`);
        }
        if (OUTSIDERS.includes(caller)) {
          for (const marker of f.familyAMarkers) {
            if (res.body.includes(marker)) failures.push(`${where}: the body contains family A's "${marker}"`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(seen.length).toBe(routes.length * CALLERS.length);
  }, 180_000); // ~600 requests: seconds on an idle machine, much more on a loaded one
});
