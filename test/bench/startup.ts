/**
 * Start-up: milliseconds from spawning a process to its first 200 on /health/ready (database, queue
 * and app ready), beside a bare Fastify process (test/bench/bare-fastify.mjs, plain `node`) started
 * in the same rounds. The machine's speed drifts, so the goals are ratios to that yardstick:
 * a second start (existing DATA_DIR) within 7× of it, a first start (empty DATA_DIR) within 12×
 * (about 3 s and 5 s on an idle machine). Targets run round-robin, BENCH_STARTUP_RUNS rounds
 * (default 3), and medians are compared. BENCH_STARTUP_SOURCES=0 skips the rows of the sources run
 * through tsx (the way `npm start` ran before the build). Then /health/ready is loaded for 5 s.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fmt, freePort, repoRoot, scratchDatabase, startBuiltProcess, stopProcess, waitFor200 } from './lib.js';
import { loadTest } from './load.js';

/** The "Cedar Heights is ready" log line's `startupMs`: milliseconds since the process started. */
export interface StartupPhases {
  serveCalled: number;
  databaseReady: number;
  engineStarted: number;
  appBuilt: number;
  ready: number;
  database: { openMs: number; migrateMs: number; seedMs: number; fromImage: boolean };
}

interface Launch {
  label: string;
  command: string;
  args: string[];
  /** Goal for the median, as a multiple of the bare Fastify median and in milliseconds. */
  goal?: { ratio: number; ms: number };
}

interface Sample {
  ms: number;
  phases: StartupPhases | undefined;
  /** The launcher rebuilt dist/ first (a source changed during the benchmark): left out of the median. */
  rebuilt: boolean;
}

export interface StartupRow {
  label: string;
  samples: Sample[];
  goal: { ratio: number; ms: number } | undefined;
}

export interface ReadinessLoad {
  target: string;
  p50: number;
  p95: number;
  rps: number;
}

export interface StartupFigures {
  runs: number;
  build: { ms: number; output: string };
  rows: StartupRow[];
  load: ReadinessLoad[];
}

const node = process.execPath;
const bare: Launch = { label: 'bare Fastify (`node`, one route, no database)', command: node, args: ['test/bench/bare-fastify.mjs'] };
const builtFirst: Launch = {
  label: '`npm start` process, first start (empty DATA_DIR)',
  command: node,
  args: ['scripts/start.mjs', 'serve'],
  goal: { ratio: 12, ms: 5_000 },
};
const builtSecond: Launch = { ...builtFirst, label: '`npm start` process, second start', goal: { ratio: 7, ms: 3_000 } };
const throughNpm: Launch = { label: 'second start through npm (`npm start`)', command: 'npm', args: ['start', '--silent'] };
const sourcesFirst: Launch = { label: 'before: tsx src/main.ts serve, first start', command: node, args: ['--import', 'tsx', 'src/main.ts', 'serve'] };
const sourcesSecond: Launch = { ...sourcesFirst, label: 'before: tsx src/main.ts serve, second start' };

const serverEnv = (port: number, env: Record<string, string>): Record<string, string> => ({
  ...(process.env as Record<string, string>),
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  RATE_LIMIT_MAX: '0',
  ...env,
  PORT: String(port),
  HOST: '127.0.0.1',
});

/** Ends a process group started with `detached` (npm runs the server as its grandchild). */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // already gone
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Spawns `launch`, returns the milliseconds to its first 200 on /health/ready and its logged phases. */
async function timeToReady(launch: Launch, env: Record<string, string>): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(launch.command, launch.args, {
    cwd: repoRoot,
    env: serverEnv(port, env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const ms = await waitFor200(`http://127.0.0.1:${port}/health/ready`, started, 180_000).catch((error: unknown) => {
      throw new Error(`${launch.label}: ${String(error)}\n${stderr}`);
    });
    return { ms, phases: readyPhases(stdout), rebuilt: stderr.includes('Building dist/') };
  } finally {
    await stopGroup(child);
  }
}

function readyPhases(stdout: string): StartupPhases | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.includes('Cedar Heights is ready')) continue;
    try {
      return (JSON.parse(line) as { startupMs?: StartupPhases }).startupMs;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

async function withDataDir<T>(work: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ch-bench-startup-'));
  try {
    return await work(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Loads /health/ready of a server started on `env` (50 connections, 5 s). */
async function loadReadiness(target: string, env: Record<string, string>): Promise<ReadinessLoad> {
  const port = await freePort();
  const started = performance.now();
  const child = startBuiltProcess('serve', { RATE_LIMIT_MAX: '0', ...env, PORT: String(port), HOST: '127.0.0.1' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor200(`http://127.0.0.1:${port}/health/ready`, started, 180_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${stderr}`);
    });
    const load = await loadTest({ url: `http://127.0.0.1:${port}/health/ready`, connections: 50, durationSeconds: 5 });
    if (load.failures > 0) throw new Error(`/health/ready failed ${load.failures} times`);
    return { target, p50: load.p50, p95: load.p95, rps: load.rps };
  } finally {
    await stopProcess(child);
  }
}

export async function benchStartup(): Promise<StartupFigures> {
  const runs = Math.max(1, Number(process.env.BENCH_STARTUP_RUNS ?? 3));
  const withSources = process.env.BENCH_STARTUP_SOURCES !== '0';

  // What `npm install` does; a start then finds dist/ current and does not build.
  const buildStarted = performance.now();
  const buildResult = spawnSync(node, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (buildResult.status !== 0) throw new Error(`build failed:\n${buildResult.stderr}`);
  const build = { ms: performance.now() - buildStarted, output: buildResult.stderr.trim().replace(/\n/g, '; ') };

  const launches = [bare, builtFirst, builtSecond, throughNpm, ...(withSources ? [sourcesFirst, sourcesSecond] : [])];
  const samples = new Map<Launch, Sample[]>(launches.map((launch) => [launch, []]));
  const record = (launch: Launch, sample: Sample): void => void samples.get(launch)?.push(sample);
  for (let round = 0; round < runs; round++) {
    record(bare, await timeToReady(bare, {}));
    await withDataDir(async (dataDir) => {
      record(builtFirst, await timeToReady(builtFirst, { DATA_DIR: dataDir }));
      record(builtSecond, await timeToReady(builtSecond, { DATA_DIR: dataDir }));
      record(throughNpm, await timeToReady(throughNpm, { DATA_DIR: dataDir }));
    });
    if (withSources) {
      await withDataDir(async (dataDir) => {
        record(sourcesFirst, await timeToReady(sourcesFirst, { DATA_DIR: dataDir }));
        record(sourcesSecond, await timeToReady(sourcesSecond, { DATA_DIR: dataDir }));
      });
    }
  }
  const rows: StartupRow[] = launches.map((launch) => ({ label: launch.label, samples: samples.get(launch) ?? [], goal: launch.goal }));

  const load: ReadinessLoad[] = [];
  await withDataDir(async (dataDir) => {
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    await timeToReady(builtFirst, env);
    load.push(await loadReadiness('PGlite (second start)', env));
  });

  let db: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  try {
    db = await scratchDatabase('ch_bench_startup');
  } catch (error) {
    console.log(`(PostgreSQL rows skipped: ${error instanceof Error ? error.message : String(error)})`);
  }
  if (db) {
    try {
      const postgres: Launch = { ...builtFirst, label: 'PostgreSQL, `npm start` process, empty database', goal: undefined };
      const env = { DATABASE_URL: db.url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123' };
      rows.push({ label: postgres.label, samples: [await timeToReady(postgres, env)], goal: undefined });
      load.push(await loadReadiness('PostgreSQL', { ...env, LOG_LEVEL: 'warn' }));
    } finally {
      await db.drop();
    }
  }
  return { runs, build, rows, load };
}

const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`;

export function printStartup(figures: StartupFigures): void {
  const bareMedian = median(figures.rows.find((row) => row.label === bare.label)?.samples.map((s) => s.ms) ?? []);
  console.log(
    `\nStart-up: process spawned → first 200 on /health/ready (median of ${figures.runs} rounds; ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)} at the end)`,
  );
  console.log(`Build before the rounds (\`node scripts/build.mjs\`, as \`npm install\` runs it): ${ms(figures.build.ms)} (${figures.build.output})`);
  console.log('| target | median | all runs | × bare Fastify | goal | met |');
  console.log('|---|---|---|---|---|---|');
  let rebuilt = false;
  for (const row of figures.rows) {
    const values = row.samples.map((s) => s.ms);
    const counted = row.samples.filter((s) => !s.rebuilt).map((s) => s.ms);
    const m = median(counted.length > 0 ? counted : values);
    rebuilt ||= counted.length < values.length;
    const ratio = m / bareMedian;
    const goal = row.goal ? `≤ ${row.goal.ratio}× (≈ ${row.goal.ms / 1000} s idle)` : '';
    const met = row.goal ? `${ratio <= row.goal.ratio ? 'met' : 'not met'} (ratio); ${m <= row.goal.ms ? 'met' : 'not met'} (${row.goal.ms / 1000} s)` : '';
    const runs = row.samples.map((sample) => `${fmt(sample.ms / 1000, 1)}${sample.rebuilt ? '*' : ''}`).join(', ');
    console.log(`| ${row.label} | ${ms(m)} | ${runs} s | ${fmt(ratio, 1)}× | ${goal} | ${met} |`);
  }
  if (rebuilt) console.log('* the launcher rebuilt dist/ first (a source changed meanwhile): not counted in the median');

  const phased = figures.rows.filter((row) => row.samples.some((s) => s.phases));
  if (phased.length > 0) {
    console.log('\nWhere the time goes (medians, ms since the process started; from the "ready" log line)');
    console.log('| target | serve() called | database ready (open + migrate + seed) | engine started | app built | listening |');
    console.log('|---|---|---|---|---|---|');
    for (const row of phased) {
      const phases = row.samples.flatMap((s) => (s.phases ? [s.phases] : []));
      const at = (pick: (p: StartupPhases) => number): string => fmt(median(phases.map(pick)), 0);
      const image = phases.some((p) => p.database.fromImage) ? ', from the image' : '';
      console.log(
        `| ${row.label} | ${at((p) => p.serveCalled)} | ${at((p) => p.databaseReady)} ` +
          `(${at((p) => p.database.openMs)} + ${at((p) => p.database.migrateMs)} + ${at((p) => p.database.seedMs)}${image}) | ` +
          `${at((p) => p.engineStarted)} | ${at((p) => p.appBuilt)} | ${at((p) => p.ready)} |`,
      );
    }
  }

  console.log('\nReadiness under load (/health/ready, 50 connections, 5 s)');
  console.log('| target | p50 | p95 | req/s |');
  console.log('|---|---|---|---|');
  for (const l of figures.load) console.log(`| ${l.target} | ${fmt(l.p50)} ms | ${fmt(l.p95)} ms | ${fmt(l.rps, 0)} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printStartup(await benchStartup());
}
