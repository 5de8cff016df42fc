import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** PostgreSQL used by benchmarks: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server. */
export const benchPostgresUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Creates an empty database for one benchmark and returns its URL and a drop function. */
export async function scratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: benchPostgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(benchPostgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: benchPostgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Starts `src/main.ts <command>` as a child process with the given environment. */
export function startProcess(command: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', command], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts the built CLI as `npm start` does (`node scripts/start.mjs <command>`: dist/main.js,
 * rebuilt first when the sources changed) as a child process with the given environment.
 */
export function startBuiltProcess(command: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['scripts/start.mjs', command], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Polls `url` until it answers 200; returns the milliseconds since `since` (performance.now()). */
export async function waitFor200(url: string, since: number, timeoutMs = 60_000): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** A started `serve` process that answers: its base URL, and sign-in for an access token. */
export interface ServingSchool {
  base: string;
  signIn(who: { email: string; password: string }): Promise<string>;
}

/**
 * Waits until `child` (a `serve` started at `since` on `port`) answers /health (its stderr is in
 * the error when it never does), and returns how to call it.
 */
export async function untilServing(child: ChildProcess, port: number, since: number): Promise<ServingSchool> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  await waitFor200(`${base}/health`, since).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${stderr}`);
  });
  return {
    base,
    async signIn(who) {
      const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
      return ((await login.json()) as { accessToken: string }).accessToken;
    },
  };
}

export const fmt = (n: number, digits = 1): string => n.toFixed(digits);
