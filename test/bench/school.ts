/**
 * Read paths of the school API under load, on real PostgreSQL with a realistic school
 * (test/bench/school-data.ts: 30 teachers, 500 students in 300 families, ~18k lessons).
 * The server runs as its own process (`src/main.ts serve`); autocannon drives it with 100
 * connections for 5 s per endpoint, beside a bare /health as the ceiling of the same run (and a
 * 2 s /health run just before each read, as this shared machine's speed drifts).
 * Targets: p95 < 20 ms for each read, public timeslots < 50 ms.
 *
 * `npx tsx test/bench/school.ts`. Env: BENCH_DATABASE_URL (default local PostgreSQL),
 * BENCH_CONNECTIONS (100), BENCH_SECONDS (5), BENCH_READ_CACHE (`off`: every read reaches PostgreSQL),
 * BENCH_SCHOOL_ONLY (ids of the reads to run, e.g. `timeslots,student`; the /health ceiling always
 * runs first: me, students, student, week, own-week, timeslots, conflicts).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type autocannon from 'autocannon';
import { DateTime } from 'luxon';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { seedDatabase } from '../../src/seed/index.js';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { fmt, freePort, scratchDatabase, startProcess, stopProcess, untilServing } from './lib.js';
import { loadTest, type LoadFigures } from './load.js';
import { generateSchool } from './school-data.js';

export interface SchoolFigures {
  lessons: number;
  connections: number;
  seconds: number;
  /** READ_CACHE_TTL_MS of the server (0: every read reaches PostgreSQL). */
  readCacheTtlMs: number;
  /**
   * Per row: the share of the measured run's answers served from the read cache (NaN: route not
   * cacheable), the p95 and req/s of the 2 s /health run just before it, and the server process's
   * CPU time (user + system) per answered request in µs (NaN where /proc is missing). CPU per
   * request varies less than req/s on this shared machine, whose speed drifts.
   */
  rows: (LoadFigures & { name: string; target: number | null; note?: string; cacheHits?: number; ceilingP95?: number; ceilingRps?: number; cpuUsPerRequest?: number })[];
}

/** CPU seconds (user + system) of process `pid` so far, from /proc (Linux); NaN elsewhere. */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

const zone = 'America/Halifax';
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
/** BENCH_READ_CACHE=off measures every read on PostgreSQL (the read cache turned off). */
const readCacheTtlMs = process.env.BENCH_READ_CACHE === 'off' ? 0 : 10_000;
const admin = { email: 'admin@bench.example', password: 'bench-admin-password-1' };
const teacher = { email: 'teacher1@bench.example', password: 'bench-teacher-password-1' };

interface Ids {
  students: number[];
  teachers: number[];
  ownTeacher: number;
}

interface Scenario {
  /** Short name for BENCH_SCHOOL_ONLY. */
  id: string;
  name: string;
  target: number | null;
  requests: autocannon.Request[];
}

function scenarios(ids: Ids, token: string, teacherToken: string): Scenario[] {
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const monday = DateTime.now().setZone(zone).startOf('week').plus({ weeks: 1 });
  const from = monday.toISODate()!;
  const to4 = monday.plus({ days: 27 }).toISODate()!;
  const week = (t: number) =>
    `/api/v1/lessons?teacherId=${t}&from=${encodeURIComponent(monday.toISO()!)}&to=${encodeURIComponent(monday.plus({ weeks: 1 }).toISO()!)}&pageSize=100`;
  return [
    { id: 'health', name: 'GET /health (ceiling)', target: null, requests: [{ method: 'GET', path: '/health' }] },
    { id: 'me', name: 'GET /api/v1/auth/me (signed-in ceiling)', target: null, requests: [{ method: 'GET', path: '/api/v1/auth/me', headers: auth }] },
    {
      id: 'students',
      name: 'list students (instrument, page of 50)',
      target: 20,
      requests: [{ method: 'GET', path: '/api/v1/students?instrument=piano&pageSize=50', headers: auth }],
    },
    { id: 'student', name: 'get student', target: 20, requests: ids.students.slice(0, 50).map((id) => ({ method: 'GET', path: `/api/v1/students/${id}`, headers: auth })) },
    { id: 'week', name: "a teacher's week of lessons", target: 20, requests: ids.teachers.map((t) => ({ method: 'GET', path: week(t), headers: auth })) },
    {
      id: 'own-week',
      name: "a teacher's own week, as that teacher (RLS)",
      target: 20,
      requests: [{ method: 'GET', path: week(ids.ownTeacher), headers: { authorization: `Bearer ${teacherToken}` } }],
    },
    {
      id: 'timeslots',
      name: 'public timeslots (piano, 4 weeks)',
      target: 50,
      requests: [{ method: 'GET', path: `/api/v1/public/timeslots?instrument=piano&from=${from}&to=${to4}&duration=30` }],
    },
    {
      id: 'conflicts',
      name: 'check conflicts',
      target: 20,
      requests: ids.teachers.map((teacherId, i) => ({
        method: 'POST',
        path: '/api/v1/lessons/check-conflicts',
        headers: json,
        body: JSON.stringify({
          teacherId,
          studentId: ids.students[i],
          scheduledAt: monday
            .plus({ days: i % 5 })
            .set({ hour: 17, minute: 30 })
            .toISO(),
          durationMinutes: 30,
        }),
      })),
    },
  ];
}

export async function benchSchool(): Promise<SchoolFigures> {
  const scratch = await scratchDatabase('ch_bench_school');
  const port = await freePort();
  let child: ReturnType<typeof startProcess> | undefined;
  try {
    const db = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 2 });
    let lessons: number;
    let ids: Ids;
    try {
      await migrate(db.sql);
      await seedDatabase(db, { adminEmail: admin.email, adminPassword: admin.password, timezone: zone, demo: false });
      const firstMonday = DateTime.now().setZone(zone).startOf('week').minus({ weeks: 12 }).toISODate()!;
      ({ lessons } = await generateSchool(db.sql, { teachers: 30, parents: 300, students: 500, weeks: 38, zone, firstMonday }));
      const students = (await db.sql.query<{ id: number }>('SELECT id FROM students ORDER BY id')).map((r) => r.id);
      const teachers = (await db.sql.query<{ id: number }>('SELECT teacher_id AS id FROM students ORDER BY id LIMIT 30')).map((r) => r.id);
      await db.sql.query('UPDATE users SET password_hash = $1 WHERE email = $2', [await hashPassword(teacher.password), teacher.email]);
      const [own] = await db.sql.query<{ id: number }>('SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id WHERE u.email = $1', [teacher.email]);
      // A school in steady state: statistics current and no autovacuum catching up during the runs.
      await db.sql.exec('VACUUM ANALYZE');
      ids = { students, teachers, ownTeacher: own!.id };
    } finally {
      await db.close();
    }

    const started = performance.now();
    child = startProcess('serve', {
      DATABASE_URL: scratch.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      RATE_LIMIT_MAX: '0',
      PUBLIC_RATE_LIMIT_MAX: '1000000',
      EMBEDDED_WORKER: 'false',
      SEED_DEMO: 'false',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      SCHOOL_TIMEZONE: zone,
      READ_CACHE_TTL_MS: String(readCacheTtlMs),
    });
    const { base, signIn } = await untilServing(child, port, started);
    const token = await signIn(admin);
    const teacherToken = await signIn(teacher);

    const only = (process.env.BENCH_SCHOOL_ONLY ?? '').split(',').filter(Boolean);
    const wanted = (scenario: Scenario): boolean => scenario.id === 'health' || only.length === 0 || only.includes(scenario.id);
    const rows: SchoolFigures['rows'] = [];
    for (const scenario of scenarios(ids, token, teacherToken).filter(wanted)) {
      const probe = scenario.requests[0]!;
      const check = await fetch(`${base}${probe.path}`, {
        method: probe.method ?? 'GET',
        headers: probe.headers as Record<string, string>,
        ...(probe.body ? { body: probe.body as string } : {}),
      });
      if (check.status === 404 && scenario.name.includes('student')) {
        rows.push({ name: scenario.name, target: scenario.target, requests: 0, rps: NaN, p50: NaN, p95: NaN, p99: NaN, failures: 0, note: 'route not available yet (404)' });
        continue;
      }
      if (check.status >= 400) throw new Error(`${scenario.name}: probe answered ${check.status} ${await check.text()}`);
      await loadTest({ url: base, connections: 10, durationSeconds: 1, requests: scenario.requests }); // warm-up
      // This machine's speed drifts during a run: a short /health run just before each read shows
      // what the same server could do at that moment.
      const ceiling = scenario.target === null ? undefined : await loadTest({ url: base, connections, durationSeconds: 2, requests: [{ method: 'GET', path: '/health' }] });
      const before = await readCacheCounts(base);
      const cpuBefore = cpuSecondsOf(child.pid);
      const figures = await loadTest({ url: base, connections, durationSeconds: seconds, requests: scenario.requests });
      const cpuUsPerRequest = ((cpuSecondsOf(child.pid) - cpuBefore) * 1e6) / figures.requests;
      const after = await readCacheCounts(base);
      const answered = after.hit + after.miss + after.bypass - (before.hit + before.miss + before.bypass);
      const cacheHits = answered > 0 ? (after.hit - before.hit) / answered : NaN;
      rows.push({ name: scenario.name, target: scenario.target, ...figures, cacheHits, cpuUsPerRequest, ...(ceiling ? { ceilingP95: ceiling.p95, ceilingRps: ceiling.rps } : {}) });
    }
    return { lessons, connections, seconds, readCacheTtlMs, rows };
  } finally {
    if (child) await stopProcess(child);
    await scratch.drop();
  }
}

/** The server's read-cache answer counters (from /metrics). */
async function readCacheCounts(base: string): Promise<{ hit: number; miss: number; bypass: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const count = (result: string): number => Number(new RegExp(`^read_cache_answers_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss'), bypass: count('bypass') };
}

export function printSchool(figures: SchoolFigures): void {
  const cache = figures.readCacheTtlMs > 0 ? `read cache on (${figures.readCacheTtlMs} ms)` : 'read cache off';
  console.log(`\n### School reads (PostgreSQL, ${figures.lessons} lessons, ${figures.connections} connections, ${figures.seconds} s each, ${cache})\n`);
  const health = figures.rows.find((r) => r.target === null && r.name.includes('/health'));
  const share = (rps: number, of: number | undefined): string => (of === undefined || !(of > 0) ? '–' : `${fmt((rps / of) * 100, 0)} %`);
  console.log(
    '| endpoint | req/s | ÷ /health req/s (start of run) | p50 ms | p95 ms | p99 ms | target p95 | errors | from cache | /health p95 just before | ÷ /health req/s just before | server CPU µs per request |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|');
  for (const r of figures.rows) {
    if (r.note) {
      console.log(`| ${r.name} | – | – | – | – | – | ${r.target} ms | ${r.note} | – | – | – | – |`);
      continue;
    }
    const cpu = r.cpuUsPerRequest === undefined || Number.isNaN(r.cpuUsPerRequest) ? '–' : fmt(r.cpuUsPerRequest, 0);
    const verdict = r.target === null ? 'ceiling' : `${r.target} ms ${r.p95 < r.target ? 'met' : 'MISSED'}`;
    const hits = r.cacheHits === undefined || Number.isNaN(r.cacheHits) ? '–' : `${fmt(r.cacheHits * 100)} %`;
    const ceiling = r.ceilingP95 === undefined ? '–' : fmt(r.ceilingP95);
    console.log(
      `| ${r.name} | ${fmt(r.rps, 0)} | ${share(r.rps, health?.rps)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${verdict} | ${r.failures} | ${hits} | ${ceiling} | ${share(r.rps, r.ceilingRps)} | ${cpu} |`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printSchool(await benchSchool());
