import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fmt, freePort, scratchDatabase, startProcess, stopProcess, waitFor200 } from './lib.js';
import { loadTest, percentile, type LoadFigures } from './load.js';

/**
 * The cost of authentication per request, and of signing in.
 *
 * For each database (PostgreSQL on a scratch database, PGlite in a temporary DATA_DIR) the real
 * server process is started (global rate limit off), the seeded admin signs in, and in the same run:
 * - `GET /health` (no token, no database) and `GET /api/v1/auth/me` (bearer token: JWT verification,
 *   the user row read by the guard, the profile read by the route) are loaded with 50 connections
 *   for 5 s each, after a 1 s warm-up; the difference is what authentication costs per request;
 * - 30 sequential sign-ins (`POST /api/v1/auth/login`) give the login latency, dominated by argon2id
 *   (m = 19 MiB, t = 2, p = 1; see src/modules/auth/passwords.ts) plus the refresh-token insert.
 */

export const ARGON2_PARAMETERS = 'argon2id, m = 19456 KiB (19 MiB), t = 2, p = 1';
const CONNECTIONS = 50;
const DURATION_SECONDS = 5;
const LOGINS = 30;
const ADMIN_EMAIL = 'bench.admin@cedarheights.local';
const ADMIN_PASSWORD = 'bench-admin-password-0123';

export interface AuthFigures {
  target: string;
  health: LoadFigures;
  me: LoadFigures;
  loginP50Ms: number;
  loginP95Ms: number;
  loginMeanMs: number;
}

async function signIn(base: string): Promise<{ ms: number; accessToken: string }> {
  const started = performance.now();
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken?: string };
  const ms = performance.now() - started;
  if (res.status !== 200 || !body.accessToken) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(body)}`);
  return { ms, accessToken: body.accessToken };
}

async function measure(target: string, env: Record<string, string>): Promise<AuthFigures> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = startProcess('serve', {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SEED_DEMO: 'false',
    EMBEDDED_WORKER: 'false',
    RATE_LIMIT_MAX: '0',
    AUTH_RATE_LIMIT_MAX: '100000',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor200(`${base}/health`, performance.now()).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${stderr}`);
    });
    const { accessToken } = await signIn(base);
    const headers = { authorization: `Bearer ${accessToken}` };

    await loadTest({ url: `${base}/health`, connections: CONNECTIONS, durationSeconds: 1 });
    await loadTest({ url: `${base}/api/v1/auth/me`, connections: CONNECTIONS, durationSeconds: 1, headers });
    const health = await loadTest({ url: `${base}/health`, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS });
    const me = await loadTest({ url: `${base}/api/v1/auth/me`, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, headers });
    if (health.failures > 0) throw new Error(`${target}: /health failed ${health.failures} times`);
    if (me.failures > 0) throw new Error(`${target}: /api/v1/auth/me failed ${me.failures} times`);

    const logins: number[] = [];
    for (let i = 0; i < LOGINS; i += 1) logins.push((await signIn(base)).ms);
    const sorted = [...logins].sort((a, b) => a - b);
    return {
      target,
      health,
      me,
      loginP50Ms: percentile(sorted, 50),
      loginP95Ms: percentile(sorted, 95),
      loginMeanMs: logins.reduce((a, b) => a + b, 0) / logins.length,
    };
  } finally {
    await stopProcess(child);
  }
}

export async function benchAuth(): Promise<AuthFigures[]> {
  const figures: AuthFigures[] = [];
  const db = await scratchDatabase('ch_bench_auth');
  try {
    figures.push(await measure('PostgreSQL', { DATABASE_URL: db.url, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123' }));
  } finally {
    await db.drop();
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ch-bench-auth-'));
  try {
    figures.push(await measure('PGlite', { DATA_DIR: dataDir }));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return figures;
}

export function printAuth(figures: AuthFigures[]): void {
  console.log(`\nCost of authentication per request (${CONNECTIONS} connections, ${DURATION_SECONDS} s each, same server process)`);
  console.log('| target | GET /health p50 | p95 | req/s | GET /api/v1/auth/me p50 | p95 | req/s | auth cost p50 | p95 |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(
      `| ${f.target} | ${fmt(f.health.p50)} ms | ${fmt(f.health.p95)} ms | ${fmt(f.health.rps, 0)} | ${fmt(f.me.p50)} ms | ${fmt(f.me.p95)} ms | ${fmt(f.me.rps, 0)} | +${fmt(f.me.p50 - f.health.p50)} ms | +${fmt(f.me.p95 - f.health.p95)} ms |`,
    );
  }
  console.log(`\nSign-in latency (${LOGINS} sequential POST /api/v1/auth/login; ${ARGON2_PARAMETERS})`);
  console.log('| target | p50 | p95 | mean |');
  console.log('|---|---|---|---|');
  for (const f of figures) console.log(`| ${f.target} | ${fmt(f.loginP50Ms)} ms | ${fmt(f.loginP95Ms)} ms | ${fmt(f.loginMeanMs)} ms |`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printAuth(await benchAuth());
}
