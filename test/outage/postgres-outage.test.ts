/**
 * PostgreSQL goes away under write load, four times (pg_ctl stop -m fast and -m immediate), and comes
 * back. The real server (`src/main.ts serve`, API only) and a real worker (`src/main.ts worker`) run
 * on a throwaway PostgreSQL of this test. Neither process exits; while the database is down every
 * answer is 503 `database_unavailable` with Retry-After (never a 500, never a dropped connection),
 * `/health/ready` is 503 and then 200 again; writes succeed again after each return; every
 * acknowledged write is in the database; every acknowledged workflow run, including runs in flight
 * when the database went away, ends succeeded, executed by the worker process.
 *
 * Needs initdb and pg_ctl (/usr/lib/postgresql/<version>/bin); as root they run as `postgres`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot, waitFor200 } from '../bench/lib.js';
import { startSchoolWorker, type SchoolWorker } from '../helpers/school-worker.js';
import { findPostgresBin, startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';
import { recorded, startWriteLoad, type LoadTally } from './write-load.js';

const postgresBin = findPostgresBin();
const ADMIN = { email: 'outage-admin@cedarheights.local', password: 'outage-admin-password-1' };

/** Why a process of the test exited (it never should); filled by the exit listeners. */
const exits: string[] = [];

/**
 * Polls `check` every 50 ms until it is true; fails with `what` after `timeoutMs` (a bound, not a
 * measure), or at once with its log when a process exited.
 */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (exits.length > 0) throw new Error(`a process exited while waiting for ${what}:\n${exits.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const readiness = (baseUrl: string): Promise<number> =>
  fetch(`${baseUrl}/health/ready`).then(
    (r) => r.status,
    () => 0,
  );

if (!postgresBin) console.warn('postgres-outage.test.ts skipped: no initdb and pg_ctl under /usr/lib/postgresql/<version>/bin');

describe.skipIf(!postgresBin)('a PostgreSQL outage under write load', () => {
  let database: ThrowawayPostgres;
  let server: ChildProcess;
  let serverLog = '';
  let worker: SchoolWorker;
  let baseUrl: string;

  beforeAll(async () => {
    database = await startThrowawayPostgres(postgresBin!, await freePort());
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: database.url,
      JWT_SECRET: 'outage-test-secret-outage-test-secret-0123',
      REDIS_URL: '', // the pg-boss queue: it lives in the database that goes away
      LOG_FORMAT: 'json',
    };
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        SEED_DEMO: 'false',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        EMBEDDED_WORKER: 'false',
        RATE_LIMIT_MAX: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => void (serverLog = (serverLog + chunk.toString()).slice(-20_000));
    server.stdout?.on('data', keep);
    server.stderr?.on('data', keep);
    server.once('exit', (code, signal) => exits.push(`server exited (${code ?? signal}):\n${serverLog}`));
    await waitFor200(`${baseUrl}/health`, performance.now(), 90_000); // migrates the empty database first
    worker = startSchoolWorker({ ...env, DATABASE_POOL_SIZE: '4', WORKER_CONCURRENCY: '4' });
    worker.child.once('exit', (code, signal) => exits.push(`worker exited (${code ?? signal}):\n${worker.output().slice(-20_000)}`));
    await worker.ready;
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await database?.destroy();
  }, 60_000);

  it('keeps both processes up, answers 503 database_unavailable meanwhile, and loses no acknowledged write', { timeout: 180_000 }, async () => {
    const json = { 'content-type': 'application/json' };
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) });
    const { accessToken: token } = (await login.json()) as { accessToken: string };
    const auth = { ...json, authorization: `Bearer ${token}` };
    const parentBody = { email: 'outage-parent@example.com', firstName: 'Olive', lastName: 'Outage', role: 'parent', password: 'outage-parent-password-1' };
    const parent = (await (await fetch(`${baseUrl}/api/v1/users`, { method: 'POST', headers: auth, body: JSON.stringify(parentBody) })).json()) as { id: number };

    const load = startWriteLoad({ baseUrl, token, parentId: parent.id, writers: 4 });
    const { tally } = load;
    const readinessSeen: number[] = [];
    try {
      for (const mode of ['fast', 'immediate', 'fast', 'immediate'] as const) {
        const before = tally.successes;
        await until('writes to succeed', () => tally.successes >= before + 20);
        await database.stop(mode);
        const unavailableBefore = tally.unavailable;
        await until('writes to be refused with database_unavailable', () => tally.unavailable >= unavailableBefore + 10);
        readinessSeen.push(await readiness(baseUrl));
        await database.start();
        const back = tally.successes;
        await until('writes to succeed again after the database is back', () => tally.successes > back);
        await until('/health/ready to answer 200 again', async () => (await readiness(baseUrl)) === 200);
        expect(exits).toEqual([]);
      }
    } finally {
      await load.stop();
    }

    expect(exits).toEqual([]);
    expect(readinessSeen).toEqual([503, 503, 503, 503]);
    expect(tally.outcomes.filter((o) => o.kind === 'network' || o.kind === 'other')).toEqual([]);
    const refusals = tally.outcomes.filter((o) => o.kind === 'unavailable');
    expect(refusals.length).toBeGreaterThanOrEqual(40);
    expect(refusals.filter((o) => o.code !== 'database_unavailable' || !o.retryAfter)).toEqual([]);

    const check = new pg.Client({ connectionString: database.url });
    await check.connect();
    try {
      const { rows } = await check.query<{ last_name: string }>(`SELECT last_name FROM students WHERE last_name LIKE 'Outage%'`);
      const stored = new Set(rows.map((r) => r.last_name));
      expect(tally.acknowledgedStudents.length).toBeGreaterThan(80);
      expect(tally.acknowledgedStudents.filter((name) => !stored.has(name))).toEqual([]);

      // A run started now is executed by the worker process (the server runs none), and so is every run
      // acknowledged under load: those caught by an outage resume once their lease lapses.
      const after: LoadTally = { outcomes: [], acknowledgedStudents: [], acknowledgedRuns: [], successes: 0, unavailable: 0 };
      const message = { to: { userId: parent.id }, subject: 'After the outage', body: 'All is well.', channels: ['in_app'] };
      const accepted = await recorded(after, () => fetch(`${baseUrl}/api/v1/messages`, { method: 'POST', headers: auth, body: JSON.stringify(message) }));
      expect(accepted).toMatchObject({ notificationRunIds: [expect.any(String)] });
      const runIds = [...((accepted?.notificationRunIds as string[] | undefined) ?? []), ...tally.acknowledgedRuns];
      const unfinished = async (): Promise<Array<{ id: string; status: string }>> =>
        (await check.query<{ id: string; status: string }>(`SELECT id, status FROM workflow_runs WHERE id = ANY($1::uuid[]) AND status <> 'succeeded'`, [runIds])).rows;
      await until('every acknowledged run to succeed', async () => (await unfinished()).length === 0, 90_000).catch(async (error: unknown) => {
        throw new Error(`${String(error)}: ${JSON.stringify(await unfinished())}\n${worker.output().slice(-5_000)}`);
      });
    } finally {
      await check.end();
    }
    expect(exits).toEqual([]);
  });
});
