/**
 * Reports and the dashboard on real PostgreSQL with a generated school of 500 students and a year
 * of lessons and money (test/bench/school-data.ts + school-money.ts). The server runs as its own
 * process; each report is asked for a year's range (up to today) by BENCH_REPORT_CONNECTIONS
 * clients (default 1: the office asking, one report at a time) for BENCH_REPORT_SECONDS (3) each, beside a bare
 * /health measured the same way in the same run. Targets: every report p95 < 100 ms, the
 * dashboard < 30 ms (judge by the ratio to /health: the machine is shared and noisy).
 *
 * `npx tsx test/bench/reports.ts`, or `BENCH_ONLY=reports npm run bench`.
 */
import { pathToFileURL } from 'node:url';
import type autocannon from 'autocannon';
import { DateTime } from 'luxon';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { seedDatabase } from '../../src/seed/index.js';
import { fmt, freePort, scratchDatabase, startProcess, stopProcess, untilServing } from './lib.js';
import { loadTest, type LoadFigures } from './load.js';
import { generateSchool } from './school-data.js';
import { generateSchoolYear } from './school-money.js';

export interface ReportFigures {
  lessons: number;
  payments: number;
  ledger: number;
  connections: number;
  seconds: number;
  range: string;
  /**
   * Machine-speed probe of the same run: the fastest of 5 `SELECT count(*) FROM generate_series(1,
   * 1000000)` on the benchmark's PostgreSQL, and of 5 bare GROUP BYs over the year's lessons (no
   * row-level security): the floor under the lesson reports on this machine at that moment.
   */
  probeMs: { series: number; lessonsGroupBy: number };
  rows: (LoadFigures & { name: string; target: number | null })[];
}

const zone = 'America/Halifax';
const connections = Number(process.env.BENCH_REPORT_CONNECTIONS ?? 1);
const seconds = Number(process.env.BENCH_REPORT_SECONDS ?? 3);
const admin = { email: 'admin@bench.example', password: 'bench-admin-password-1' };
const teacher = { email: 'teacher1@bench.example', password: 'bench-teacher-password-1' };

export async function benchReports(): Promise<ReportFigures> {
  const scratch = await scratchDatabase('ch_bench_reports');
  const port = await freePort();
  const today = DateTime.now().setZone(zone).startOf('day');
  const from = today.minus({ years: 1 }).plus({ days: 1 }).toISODate()!;
  const to = today.toISODate()!;
  let child: ReturnType<typeof startProcess> | undefined;
  try {
    const db = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 2 });
    let lessons: number;
    let money: { payments: number; ledger: number };
    let probeMs: ReportFigures['probeMs'];
    try {
      await migrate(db.sql);
      await seedDatabase(db, { adminEmail: admin.email, adminPassword: admin.password, timezone: zone, demo: false });
      const firstMonday = today.startOf('week').minus({ weeks: 46 }).toISODate()!;
      ({ lessons } = await generateSchool(db.sql, { teachers: 30, parents: 300, students: 500, weeks: 52, zone, firstMonday }));
      money = await generateSchoolYear(db.sql, { zone, firstMonth: today.minus({ months: 11 }).startOf('month').toISODate()! });
      await db.sql.query('UPDATE users SET password_hash = $1 WHERE email = $2', [await hashPassword(teacher.password), teacher.email]);
      await db.sql.exec('VACUUM ANALYZE');
      const fastest = async (text: string, params: unknown[] = []): Promise<number> => {
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 5; i += 1) {
          const started = performance.now();
          await db.sql.query(text, params);
          best = Math.min(best, performance.now() - started);
        }
        return best;
      };
      probeMs = {
        series: await fastest('SELECT count(*) FROM generate_series(1, 1000000)'),
        lessonsGroupBy: await fastest(
          `SELECT student_id, count(*), count(*) FILTER (WHERE attendance = 'absent') FROM lessons
            WHERE scheduled_at >= ($1::date)::timestamp AT TIME ZONE $3 AND scheduled_at < ($2::date + 1)::timestamp AT TIME ZONE $3 GROUP BY 1`,
          [from, to, zone],
        ),
      };
    } finally {
      await db.close();
    }

    const started = performance.now();
    child = startProcess('serve', {
      DATABASE_URL: scratch.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      RATE_LIMIT_MAX: '0',
      EMBEDDED_WORKER: 'false',
      SEED_DEMO: 'false',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      SCHOOL_TIMEZONE: zone,
    });
    const { base, signIn } = await untilServing(child, port, started);
    const auth = { authorization: `Bearer ${await signIn(admin)}` };
    const teacherAuth = { authorization: `Bearer ${await signIn(teacher)}` };
    const report = (name: string, query = '', headers = auth): autocannon.Request[] => [{ method: 'GET', path: `/api/v1/reports/${name}?from=${from}&to=${to}${query}`, headers }];
    const scenarios: { name: string; target: number | null; requests: autocannon.Request[] }[] = [
      { name: 'GET /health (ceiling)', target: null, requests: [{ method: 'GET', path: '/health' }] },
      { name: 'revenue by month', target: 100, requests: report('revenue') },
      { name: 'revenue by teacher', target: 100, requests: report('revenue', '&groupBy=teacher') },
      { name: 'receivables', target: 100, requests: report('receivables') },
      { name: 'retention by instrument', target: 100, requests: report('retention', '&groupBy=instrument') },
      { name: 'attendance by teacher', target: 100, requests: report('attendance') },
      { name: 'attendance by student', target: 100, requests: report('attendance', '&groupBy=student') },
      { name: 'attendance, a teacher’s own (RLS)', target: 100, requests: report('attendance', '&groupBy=student', teacherAuth) },
      { name: 'utilisation by week', target: 100, requests: report('utilisation') },
      { name: 'enrollment funnel', target: 100, requests: report('enrollment-funnel') },
      { name: 'make-up credits', target: 100, requests: report('makeup-credits') },
      { name: 'revenue as CSV', target: 100, requests: report('revenue', '&format=csv') },
      { name: 'dashboard', target: 30, requests: [{ method: 'GET', path: '/api/v1/dashboard', headers: auth }] },
    ];
    const rows: ReportFigures['rows'] = [];
    for (const scenario of scenarios) {
      const probe = scenario.requests[0]!;
      const check = await fetch(`${base}${probe.path}`, { headers: probe.headers as Record<string, string> });
      if (check.status !== 200) throw new Error(`${scenario.name}: probe answered ${check.status} ${await check.text()}`);
      await loadTest({ url: base, connections, durationSeconds: 1, requests: scenario.requests }); // warm-up
      rows.push({ name: scenario.name, target: scenario.target, ...(await loadTest({ url: base, connections, durationSeconds: seconds, requests: scenario.requests })) });
    }
    return { lessons, payments: money.payments, ledger: money.ledger, connections, seconds, range: `${from}..${to}`, probeMs, rows };
  } finally {
    if (child) await stopProcess(child);
    await scratch.drop();
  }
}

export function printReports(figures: ReportFigures): void {
  console.log(
    `\n### Reports and dashboard (PostgreSQL, 500 students, ${figures.lessons} lessons, ${figures.payments} payments, ${figures.ledger} ledger entries; range ${figures.range}; ${figures.connections} connections, ${figures.seconds} s each)\n`,
  );
  console.log(
    `Machine probe of this run: count(*) over generate_series(1, 1e6) ${fmt(figures.probeMs.series)} ms; a bare GROUP BY over the year's lessons ${fmt(figures.probeMs.lessonsGroupBy)} ms.\n`,
  );
  const health = figures.rows.find((r) => r.target === null);
  console.log('| endpoint | req/s | p50 ms | p95 ms | p95 ÷ /health p95 | target p95 | errors |');
  console.log('|---|---:|---:|---:|---:|---|---:|');
  for (const r of figures.rows) {
    const verdict = r.target === null ? 'ceiling' : `${r.target} ms ${r.p95 < r.target ? 'met' : 'MISSED'}`;
    const ratio = health && health.p95 > 0 ? `${fmt(r.p95 / health.p95)}×` : '–';
    console.log(`| ${r.name} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${ratio} | ${verdict} | ${r.failures} |`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printReports(await benchReports());
