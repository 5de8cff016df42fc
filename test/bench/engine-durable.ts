/**
 * The durable engine end to end: run row + queue job + worker (claim, six checkpoints, finish).
 * Workflow: six trivial nodes in a row (`bench-linear6`, test/engine/fixtures/workflows.ts).
 *
 * - latency: runs started one after another on an idle queue, `startAndWait` each (what a client
 *   sees, including `waitFor`'s polling when the worker is another process), and the engine's own
 *   part from the run row (created_at → finished_at); p50 / p95 over LATENCY_RUNS runs.
 * - throughput: THROUGHPUT_RUNS runs started as fast as possible (64 starts in flight), runs/s
 *   from the first start until every run is final.
 *
 * Configurations: pg-boss on PGlite (worker in this process); pg-boss on PostgreSQL and BullMQ on
 * Redis (+ PostgreSQL for the run store) with 1 and 2 worker PROCESSES
 * (test/engine/fixtures/worker-process.ts), this process only starting runs.
 * Targets: p95 < 100 ms on an idle queue; ≥ 200 runs/s on PostgreSQL with 2 worker processes.
 *
 * On PostgreSQL both phases also measure what the database wrote (test/bench/db-cost.ts): write
 * transactions and WAL bytes per run, exactly from the WAL, and the throughput phase every
 * committed transaction (read-only included) from pg_stat_database.
 *
 * `npx tsx test/bench/engine-durable.ts`. Env: BENCH_DATABASE_URL (PostgreSQL, default local),
 * REDIS_URL (default redis://127.0.0.1:6379; BullMQ rows skipped when unreachable),
 * BENCH_DURABLE_ONLY=pglite,pgboss,bullmq (or pgboss1, pgboss2, bullmq1, bullmq2), BENCH_LATENCY_RUNS, BENCH_THROUGHPUT_RUNS,
 * BENCH_WORKER_CONCURRENCY (per worker process, default 16), BENCH_STATS_SETTLE_MS (wait for
 * pg_stat_database's counters, default 11500 on PostgreSQL 15+), BENCH_WAL_DETAIL=1 (WAL by table
 * and index).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { WorkflowEngine } from '../../src/engine/durable/engine.js';
import type { WorkflowQueue } from '../../src/engine/queue/types.js';
import { createWorkflowQueue } from '../../src/runtime/queue.js';
import { deleteRedisKeys, spawnWorker, type WorkerProcess } from '../engine/harness.js';
import { fixtureRegistry } from '../engine/fixtures/workflows.js';
import { DbCostMeter, type WalCost } from './db-cost.js';
import { printDbCosts, walKibPerRun, writesPerRun } from './db-cost-print.js';
import { benchPostgresUrl, fmt, scratchDatabase } from './lib.js';

export interface Figures {
  config: string;
  workerProcesses: number;
  latencyRuns: number;
  /** startAndWait, as the client sees it. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** created_at → finished_at of the run rows (the engine's part, without the client's polling). */
  engineP50Ms: number;
  engineP95Ms: number;
  throughputRuns: number;
  runsPerSecond: number;
  /** Where the CPU went during the throughput phase. */
  profile: Profile;
  /** What the database wrote (PostgreSQL only): the latency runs (one at a time) and the throughput phase. */
  latencyCost?: WalCost;
  throughputCost?: WalCost;
}

const WORKFLOW = 'bench-linear6';
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 200);
const THROUGHPUT_RUNS = Number(process.env.BENCH_THROUGHPUT_RUNS ?? 2000);
const WORKER_CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 16);
/** BENCH_WAL_DETAIL=1: also print each phase's WAL by table and index. */
const WAL_DETAIL = process.env.BENCH_WAL_DETAIL === '1';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function warmUp(engine: WorkflowEngine): Promise<void> {
  for (let i = 0; i < 20; i++) await engine.startAndWait(WORKFLOW, { n: i }, { waitMs: 10_000, metadata: { phase: 'warmup' } });
}

type Latency = Pick<Figures, 'latencyP50Ms' | 'latencyP95Ms' | 'engineP50Ms' | 'engineP95Ms'>;

/** The latency runs (after `warmUp`), inside the meter's WAL window when there is a meter. */
async function latency(engine: WorkflowEngine, db: Database, runs: number, meter?: DbCostMeter): Promise<{ figures: Latency; cost?: WalCost }> {
  const {
    result: { times, ids },
    window,
  } = meter ? await meter.window(() => latencyRuns(engine, runs)) : { result: await latencyRuns(engine, runs), window: undefined };
  const cost = meter && window ? await meter.walCost(window, WAL_DETAIL) : undefined;
  const rows = await db.sql.query<{ ms: number }>(`SELECT extract(epoch FROM finished_at - created_at) * 1000 AS ms FROM workflow_runs WHERE id = ANY($1::uuid[])`, [ids]);
  const engineTimes = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  const figures = {
    latencyP50Ms: percentile(times, 50),
    latencyP95Ms: percentile(times, 95),
    engineP50Ms: percentile(engineTimes, 50),
    engineP95Ms: percentile(engineTimes, 95),
  };
  return cost ? { figures, cost } : { figures };
}

async function latencyRuns(engine: WorkflowEngine, runs: number): Promise<{ times: number[]; ids: string[] }> {
  const times: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const run = await engine.startAndWait(WORKFLOW, { n: i }, { waitMs: 10_000, metadata: { phase: 'latency' } });
    times.push(performance.now() - t0);
    if (run.status !== 'succeeded') throw new Error(`latency run ${run.id} ended ${run.status}`);
    ids.push(run.id);
  }
  return { times, ids };
}

/** CPU seconds (user + system) of the processes whose command line matches, from /proc (Linux). */
function cpuSeconds(match: (cmdline: string, pid: number) => boolean): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (!match(cmdline, pid)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // the process exited
    }
  }
  return ticks / 100;
}

export interface Profile {
  /** CPU seconds per 1000 runs. */
  postgres: number;
  workers: number;
  client: number;
  /**
   * Committed transactions per run, read-only ones included (pg_stat_database.xact_commit of the
   * bench database, counters settled before and after; the window also holds the settling time
   * after the phase, when only the idle pollers run). NaN without a meter (PGlite).
   */
  transactionsPerRun: number;
}

/**
 * CPU of the phase `work`, and with a meter (PostgreSQL) its WAL and its transactions. The
 * meter's statements run on their own connections, outside the bench database's counters.
 */
async function profiled<T>(workerPids: number[], runs: number, work: () => Promise<T>, meter?: DbCostMeter): Promise<{ result: T; profile: Profile; cost?: WalCost }> {
  const isPostgres = (cmd: string): boolean => cmd.startsWith('postgres');
  const isWorker = (_cmd: string, pid: number): boolean => workerPids.includes(pid);
  const isClient = (_cmd: string, pid: number): boolean => pid === process.pid;
  const cpu = (): number[] => [cpuSeconds(isPostgres), cpuSeconds(isWorker), cpuSeconds(isClient)];
  await meter?.settle(); // the transactions of the phases before are reported by now
  const commitsBefore = meter ? await meter.commits() : NaN;
  const before = cpu();
  const { result, window } = meter ? await meter.window(work) : { result: await work(), window: undefined };
  const after = cpu();
  await meter?.settle();
  const commitsAfter = meter ? await meter.commits() : NaN;
  const cost = meter && window ? await meter.walCost(window, WAL_DETAIL) : undefined;
  const per1000 = (i: number): number => (((after[i] as number) - (before[i] as number)) * 1000) / runs;
  const profile = { postgres: per1000(0), workers: per1000(1), client: per1000(2), transactionsPerRun: (commitsAfter - commitsBefore) / runs };
  return cost ? { result, profile, cost } : { result, profile };
}

async function throughput(engine: WorkflowEngine, db: Database, runs: number): Promise<number> {
  const finalCount = async (): Promise<number> => {
    const [row] = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM workflow_runs WHERE metadata->>'phase' = 'throughput'
         AND status IN ('succeeded', 'failed', 'stopped', 'cancelled', 'compensated')`,
    );
    return Number(row?.n ?? 0);
  };
  const t0 = performance.now();
  let next = 0;
  const starter = async (): Promise<void> => {
    while (next < runs) {
      const n = next++;
      await engine.start(WORKFLOW, { n }, { metadata: { phase: 'throughput' } });
    }
  };
  await Promise.all(Array.from({ length: 64 }, starter));
  const deadline = t0 + 300_000;
  for (;;) {
    const done = await finalCount();
    if (done >= runs) break;
    if (performance.now() > deadline) throw new Error(`only ${done} of ${runs} runs finished in 300 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const elapsed = performance.now() - t0;
  const [bad] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM workflow_runs WHERE metadata->>'phase' = 'throughput' AND status <> 'succeeded'`);
  if (Number(bad?.n) > 0) throw new Error(`${bad?.n} throughput runs did not succeed`);
  return (runs / elapsed) * 1000;
}

/** pg-boss on an in-memory PGlite; the worker runs in this process. */
async function benchPglite(): Promise<Figures> {
  const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await migrate(db.sql);
  const queue = createWorkflowQueue({ redisUrl: undefined }, db);
  await queue.start();
  const engine = new WorkflowEngine({ registry: fixtureRegistry(db.sql), sql: db.sql, queue });
  try {
    await engine.startWorker({ concurrency: WORKER_CONCURRENCY });
    await warmUp(engine);
    const { figures: lat } = await latency(engine, db, LATENCY_RUNS);
    const { result: runsPerSecond, profile } = await profiled([], THROUGHPUT_RUNS, () => throughput(engine, db, THROUGHPUT_RUNS));
    return { config: 'pg-boss on PGlite, worker in-process', workerProcesses: 0, latencyRuns: LATENCY_RUNS, ...lat, throughputRuns: THROUGHPUT_RUNS, runsPerSecond, profile };
  } finally {
    await engine.stop();
    await db.close();
  }
}

/** A scratch PostgreSQL database, `processes` worker processes, and a client engine here. */
async function benchProcesses(driver: 'pg-boss' | 'bullmq', processes: number): Promise<Figures> {
  const scratch = await scratchDatabase('ch_bench_durable');
  const redisPrefix = `bench-${process.pid}-${Date.now().toString(36)}`;
  const workers: WorkerProcess[] = [];
  let db: Database | undefined;
  let queue: WorkflowQueue | undefined;
  let meter: DbCostMeter | undefined;
  try {
    const database = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 16 });
    db = database;
    await migrate(database.sql);
    queue = createWorkflowQueue({ redisUrl: driver === 'bullmq' ? redisUrl : undefined }, database, { databaseUrl: scratch.url, redisPrefix });
    await queue.start(); // creates pg-boss's schema before the workers race to do it
    for (let i = 0; i < processes; i++) {
      workers.push(
        spawnWorker({
          WORKER_DATABASE_URL: scratch.url,
          WORKER_DRIVER: driver,
          WORKER_REDIS_URL: redisUrl,
          WORKER_REDIS_PREFIX: redisPrefix,
          WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
          WORKER_POOL_SIZE: String(WORKER_CONCURRENCY + 2),
        }),
      );
    }
    await Promise.all(workers.map((w) => w.ready));
    const engine = new WorkflowEngine({ registry: fixtureRegistry(database.sql), sql: database.sql, queue });
    meter = await DbCostMeter.open(scratch.url, benchPostgresUrl);
    await warmUp(engine);
    const { figures: lat, cost: latencyCost } = await latency(engine, database, LATENCY_RUNS, meter);
    const pids = workers.map((w) => w.child.pid ?? -1);
    const { result: runsPerSecond, profile, cost: throughputCost } = await profiled(pids, THROUGHPUT_RUNS, () => throughput(engine, database, THROUGHPUT_RUNS), meter);
    const config = driver === 'bullmq' ? 'BullMQ on Redis + PostgreSQL' : 'pg-boss on PostgreSQL';
    return {
      config,
      workerProcesses: processes,
      latencyRuns: LATENCY_RUNS,
      ...lat,
      throughputRuns: THROUGHPUT_RUNS,
      runsPerSecond,
      profile,
      ...(latencyCost ? { latencyCost } : {}),
      ...(throughputCost ? { throughputCost } : {}),
    };
  } finally {
    await meter?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await queue?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await scratch.drop();
    if (driver === 'bullmq') await deleteRedisKeys(redisUrl, [redisPrefix]).catch(() => undefined);
  }
}

async function redisReachable(): Promise<boolean> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function benchEngineDurable(): Promise<Figures[]> {
  const only = (process.env.BENCH_DURABLE_ONLY ?? '').split(',').filter(Boolean);
  const wanted = (name: string): boolean => only.length === 0 || only.includes(name);
  const figures: Figures[] = [];
  if (wanted('pglite')) figures.push(await benchPglite());
  for (const processes of [1, 2]) {
    if (wanted('pgboss') || wanted(`pgboss${processes}`)) figures.push(await benchProcesses('pg-boss', processes));
  }
  const bullmq = [1, 2].filter((processes) => wanted('bullmq') || wanted(`bullmq${processes}`));
  if (bullmq.length > 0 && (await redisReachable())) {
    for (const processes of bullmq) figures.push(await benchProcesses('bullmq', processes));
  }
  return figures;
}

export function printEngineDurable(figures: Figures[]): void {
  console.log('\n### Durable engine, 6-node linear workflow (targets: p95 < 100 ms idle; ≥ 200 runs/s on PostgreSQL with 2 worker processes)\n');
  console.log(`PostgreSQL: ${new URL(benchPostgresUrl).host}; worker concurrency ${WORKER_CONCURRENCY} per process\n`);
  console.log('| configuration | worker processes | startAndWait p50 | p95 | engine p50 | engine p95 | write transactions per run | WAL KiB per run | runs/s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    const workers = f.workerProcesses === 0 ? 'in-process' : String(f.workerProcesses);
    console.log(
      `| ${f.config} | ${workers} | ${fmt(f.latencyP50Ms)} ms | ${fmt(f.latencyP95Ms)} ms | ${fmt(f.engineP50Ms)} ms | ${fmt(f.engineP95Ms)} ms | ${writesPerRun(f.latencyCost, f.latencyRuns)} | ${walKibPerRun(f.latencyCost, f.latencyRuns)} | ${fmt(f.runsPerSecond, 0)} |`,
    );
  }
  console.log("\n(write transactions and WAL per run of the latency runs, one at a time on an idle queue: the client's polling included, warm-up excluded)");
  console.log('\nThroughput phase: CPU seconds per 1000 runs (all processes share 2 cores; PostgreSQL: every backend of the server) and database work per run:\n');
  console.log('| configuration | worker processes | PostgreSQL | workers | client | transactions (all) per run | write transactions per run | WAL KiB per run |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    const workers = f.workerProcesses === 0 ? 'in-process' : String(f.workerProcesses);
    const p = f.profile;
    const all = Number.isNaN(p.transactionsPerRun) ? 'n/a' : fmt(p.transactionsPerRun, 1);
    console.log(
      `| ${f.config} | ${workers} | ${fmt(p.postgres, 2)} | ${fmt(p.workers, 2)} | ${fmt(p.client, 2)} | ${all} | ${writesPerRun(f.throughputCost, f.throughputRuns)} | ${walKibPerRun(f.throughputCost, f.throughputRuns)} |`,
    );
  }
  console.log(`\n(${figures[0]?.latencyRuns ?? LATENCY_RUNS} latency runs, ${figures[0]?.throughputRuns ?? THROUGHPUT_RUNS} throughput runs per configuration)`);
  const phases = figures.flatMap((f) =>
    (
      [
        ['one at a time', f.latencyCost, f.latencyRuns],
        ['throughput', f.throughputCost, f.throughputRuns],
      ] as const
    ).flatMap(([phase, cost, runs]) => (cost ? [{ config: f.config, workers: String(f.workerProcesses), phase, cost, runs }] : [])),
  );
  printDbCosts(phases);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printEngineDurable(await benchEngineDurable());
  process.exit(0);
}
