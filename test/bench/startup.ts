import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fmt, freePort, scratchDatabase, startProcess, stopProcess, waitFor200 } from './lib.js';
import { loadTest } from './load.js';

export interface StartupFigures {
  target: string;
  firstStartMs: number;
  readyP50Ms: number;
  readyP95Ms: number;
  readyRps: number;
}

/** Starts the server on `env`, measures time to the first 200 on /health, then loads /health/ready. */
async function measure(target: string, env: Record<string, string>): Promise<StartupFigures> {
  const port = await freePort();
  const started = performance.now();
  const child = startProcess('serve', { RATE_LIMIT_MAX: '0', ...env, PORT: String(port), HOST: '127.0.0.1' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const firstStartMs = await waitFor200(`http://127.0.0.1:${port}/health`, started).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${stderr}`);
    });
    const load = await loadTest({ url: `http://127.0.0.1:${port}/health/ready`, connections: 50, durationSeconds: 5 });
    if (load.failures > 0) throw new Error(`/health/ready failed ${load.failures} times`);
    return { target, firstStartMs, readyP50Ms: load.p50, readyP95Ms: load.p95, readyRps: load.rps };
  } finally {
    await stopProcess(child);
  }
}

export async function benchStartup(): Promise<StartupFigures[]> {
  const figures: StartupFigures[] = [];
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ch-bench-'));
  try {
    figures.push(await measure('PGlite (empty DATA_DIR)', { DATA_DIR: dataDir }));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  const db = await scratchDatabase('ch_bench_startup');
  try {
    figures.push(await measure('PostgreSQL (empty database)', { DATABASE_URL: db.url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123' }));
  } finally {
    await db.drop();
  }
  return figures;
}

export function printStartup(figures: StartupFigures[]): void {
  console.log('\nStart-up and readiness (50 connections, 5 s)');
  console.log('| target | start → first 200 on /health | /health/ready p50 | p95 | req/s |');
  console.log('|---|---|---|---|---|');
  for (const f of figures) {
    console.log(`| ${f.target} | ${fmt(f.firstStartMs, 0)} ms | ${fmt(f.readyP50Ms)} ms | ${fmt(f.readyP95Ms)} ms | ${fmt(f.readyRps, 0)} |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printStartup(await benchStartup());
}
