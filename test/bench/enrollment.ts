/**
 * Enrollment end to end on PostgreSQL: the real server (`src/main.ts serve`: pg-boss, embedded
 * worker; per configuration also extra `worker` processes), TEACHERS piano teachers with weekly
 * hours, and the admin endpoint, which answers when the workflow has finished: validate → family →
 * payment (simulated gateway, pm_card_visa) → assign → demo lesson → welcome (two notification
 * runs; mail kept in the outbox). Latency: LATENCY_RUNS enrollments one after another (after a
 * warm-up), p50/p95 as the client sees them. Throughput: THROUGHPUT_RUNS with IN_FLIGHT requests
 * at a time, from the first request to the last answer; each must end `completed`.
 * Targets: p95 < 300 ms; ≥ 20 enrollments/s on the 2-core machine.
 * Database cost of the throughput phase, per enrollment (db-cost.ts): committed transactions
 * (pg_stat_database.xact_commit, read-only ones included, counters settled before and after),
 * write transactions (the phase's COMMIT records, pg_walinspect) and WAL bytes (the bench
 * database's records; and pg_wal_lsn_diff of the whole server over the phase).
 *
 * `npx tsx test/bench/enrollment.ts`. Env: BENCH_DATABASE_URL, BENCH_ENROLL_LATENCY (100),
 * BENCH_ENROLL_RUNS (600), BENCH_ENROLL_IN_FLIGHT (16), BENCH_ENROLL_WORKERS ("0,1": extra worker
 * processes, one configuration each), BENCH_WORKER_CONCURRENCY (16).
 */
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../../src/db/client.js';
import { DbCostMeter } from './db-cost.js';
import { benchPostgresUrl, fmt, freePort, scratchDatabase, startProcess, stopProcess, waitFor200 } from './lib.js';
import { percentile } from './load.js';

const LATENCY_RUNS = Number(process.env.BENCH_ENROLL_LATENCY ?? 100);
const THROUGHPUT_RUNS = Number(process.env.BENCH_ENROLL_RUNS ?? 600);
const IN_FLIGHT = Number(process.env.BENCH_ENROLL_IN_FLIGHT ?? 16);
/** Extra `worker` processes beside the server's embedded worker, one configuration each. */
const CONFIGS = (process.env.BENCH_ENROLL_WORKERS ?? '0,1').split(',').map(Number);
const WORKER_CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? '16';
const WARMUP = 10;
const TEACHERS = 40;
const admin = { email: 'admin@enroll-bench.example', password: 'bench-admin-password-1' };

export interface EnrollmentFigures {
  workerProcesses: number;
  latencyRuns: number;
  p50Ms: number;
  p95Ms: number;
  throughputRuns: number;
  inFlight: number;
  perSecond: number;
  throughputP95Ms: number;
  /** The database's work in the throughput phase, per enrollment (NaN where unknown: no pg_walinspect). */
  dbCost: DbCostPerEnrollment;
  /** Mean time per node attempt during the run, by workflow and node (where the time goes). */
  nodes: { workflow: string; node: string; attempts: number; meanMs: number }[];
}

export interface DbCostPerEnrollment {
  /** pg_stat_database.xact_commit, read-only transactions included (the settling time after the phase too: idle pollers). */
  transactions: number;
  /** COMMIT records of transactions that changed the bench database, plus NOTIFY-only commits. */
  writeTransactions: number;
  /** Bytes of the WAL records of the bench database. */
  walBytes: number;
  /** Of `walBytes`, full-page images (first change of a page after a checkpoint: depends on when the server checkpoints). */
  fpiBytes: number;
  /** pg_wal_lsn_diff over the phase: every database of the server. */
  serverWalBytes: number;
}

let serial = 0;
function form(): Record<string, unknown> {
  serial += 1;
  return {
    studentFirstName: 'Bench',
    studentLastName: `Student${serial}`,
    studentDateOfBirth: '2014-05-06',
    parentFirstName: 'Parent',
    parentLastName: `Family${serial}`,
    parentEmail: `parent${serial}.${process.pid}@bench.example`,
    parentPhone: '902-555-0100',
    instrument: 'piano',
    lessonDuration: 30,
    paymentToken: 'pm_card_visa',
    agreedToTerms: true,
  };
}

async function enroll(base: string, token: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/api/v1/enrollments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(form()),
  });
  const body = (await res.json()) as { status?: string };
  const ms = performance.now() - started;
  if (res.status !== 200 || body.status !== 'completed') throw new Error(`enrollment answered ${res.status}: ${JSON.stringify(body)}`);
  return ms;
}

/** TEACHERS piano teachers (50 students each), Monday to Saturday 09:00–21:00. */
async function seedTeachers(url: string): Promise<void> {
  const db = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
  try {
    await db.sql.query(
      `WITH u AS (
         INSERT INTO users (email, first_name, last_name, role)
         SELECT 'teacher' || n || '@enroll-bench.example', 'Teacher', 'No' || n, 'teacher' FROM generate_series(1, $1) n RETURNING id
       ), t AS (
         INSERT INTO teachers (user_id, instruments, hourly_rate_cents, max_students) SELECT id, ARRAY['piano'], 6000, 50 FROM u RETURNING id
       )
       INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time)
       SELECT t.id, d, '09:00', '21:00' FROM t CROSS JOIN generate_series(1, 6) d`,
      [TEACHERS],
    );
  } finally {
    await db.close();
  }
}

async function nodeProfile(url: string): Promise<EnrollmentFigures['nodes']> {
  const db = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
  try {
    const rows = await db.sql.query<{ workflow: string; node: string; attempts: number; mean_ms: number }>(
      `SELECT r.workflow_name AS workflow, s.node_id AS node, count(*)::int AS attempts, avg(s.duration_ms) AS mean_ms
       FROM workflow_steps s JOIN workflow_runs r ON r.id = s.run_id WHERE s.kind = 'process'
       GROUP BY 1, 2 ORDER BY 1, min(s.id)`,
    );
    return rows.map((r) => ({ workflow: r.workflow, node: r.node, attempts: r.attempts, meanMs: Number(r.mean_ms) }));
  } finally {
    await db.close();
  }
}

/** One configuration on a fresh database: the server (embedded worker) and `extraWorkers` worker processes. */
async function measure(extraWorkers: number): Promise<EnrollmentFigures> {
  const database = await scratchDatabase('ch_bench_enroll');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: database.url,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    WORKER_CONCURRENCY,
  };
  const server = startProcess('serve', {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    SEED_DEMO: 'false',
    RATE_LIMIT_MAX: '0',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
  });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const workers = Array.from({ length: extraWorkers }, () => startProcess('worker', env));
  try {
    await waitFor200(`${base}/health`, performance.now()).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${stderr}`);
    });
    await seedTeachers(database.url);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
    const { accessToken } = (await login.json()) as { accessToken: string };

    for (let i = 0; i < WARMUP; i += 1) await enroll(base, accessToken);
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_RUNS; i += 1) latencies.push(await enroll(base, accessToken));
    latencies.sort((a, b) => a - b);

    let next = 0;
    const loaded: number[] = [];
    const meter = await DbCostMeter.open(database.url, benchPostgresUrl);
    let seconds: number;
    let dbCost: DbCostPerEnrollment;
    try {
      await meter.settle(); // the transactions of the latency phase are reported by now
      const commitsBefore = await meter.commits();
      const started = performance.now();
      const { window } = await meter.window(() =>
        Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            while (next < THROUGHPUT_RUNS) {
              next += 1;
              loaded.push(await enroll(base, accessToken));
            }
          }),
        ),
      );
      seconds = (performance.now() - started) / 1000;
      await meter.settle();
      const commitsAfter = await meter.commits();
      const wal = await meter.walCost(window);
      dbCost = {
        transactions: (commitsAfter - commitsBefore) / THROUGHPUT_RUNS,
        writeTransactions: (wal.dataCommits + wal.bareCommits) / THROUGHPUT_RUNS,
        walBytes: wal.bytes / THROUGHPUT_RUNS,
        fpiBytes: wal.fpiBytes / THROUGHPUT_RUNS,
        serverWalBytes: wal.serverBytes / THROUGHPUT_RUNS,
      };
    } finally {
      await meter.close();
    }
    loaded.sort((a, b) => a - b);
    const nodes = await nodeProfile(database.url);
    return {
      workerProcesses: extraWorkers,
      latencyRuns: LATENCY_RUNS,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      throughputRuns: THROUGHPUT_RUNS,
      inFlight: IN_FLIGHT,
      perSecond: THROUGHPUT_RUNS / seconds,
      throughputP95Ms: percentile(loaded, 95),
      dbCost,
      nodes,
    };
  } finally {
    await Promise.all(workers.map((w) => stopProcess(w)));
    await stopProcess(server);
    await database.drop();
  }
}

export async function benchEnrollment(): Promise<EnrollmentFigures[]> {
  const figures: EnrollmentFigures[] = [];
  for (const extra of CONFIGS) figures.push(await measure(extra));
  return figures;
}

export function printEnrollment(figures: EnrollmentFigures[]): void {
  console.log('\nEnrollment end to end on PostgreSQL (admin endpoint, answering when the workflow has finished; targets p95 < 300 ms, ≥ 20/s)');
  console.log('| worker processes | one at a time: p50 | p95 | sustained enrollments/s | in flight | p95 under load |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    const workers = f.workerProcesses === 0 ? 'server (embedded worker)' : `server + ${f.workerProcesses} worker`;
    console.log(`| ${workers} | ${fmt(f.p50Ms)} ms | ${fmt(f.p95Ms)} ms | ${fmt(f.perSecond)} (${f.throughputRuns} runs) | ${f.inFlight} | ${fmt(f.throughputP95Ms)} ms |`);
  }
  console.log('\nDatabase work per enrollment in the throughput phase (scratch database; write transactions and WAL from pg_walinspect, all transactions from pg_stat_database)');
  console.log('| worker processes | transactions (all) | write transactions | WAL KiB | of which full-page images | server WAL KiB (all databases) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    const c = f.dbCost;
    const kib = (bytes: number): string => (Number.isNaN(bytes) ? 'n/a' : fmt(bytes / 1024, 1));
    const count = (n: number): string => (Number.isNaN(n) ? 'n/a' : fmt(n, 1));
    console.log(`| ${f.workerProcesses} | ${count(c.transactions)} | ${count(c.writeTransactions)} | ${kib(c.walBytes)} | ${kib(c.fpiBytes)} | ${kib(c.serverWalBytes)} |`);
  }
  const last = figures[figures.length - 1];
  if (!last) return;
  console.log(`\nMean time per node attempt (${last.workerProcesses === 0 ? 'server only' : `server + ${last.workerProcesses} worker`}, whole run)`);
  console.log('| workflow | node | attempts | mean |');
  console.log('|---|---|---:|---:|');
  for (const n of last.nodes) console.log(`| ${n.workflow} | ${n.node} | ${n.attempts} | ${fmt(n.meanMs)} ms |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printEnrollment(await benchEnrollment());
}
