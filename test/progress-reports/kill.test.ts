/**
 * A worker killed while a progress-report run waits for approval: the wait holds nothing, so the
 * approval arriving later is finished by another worker process, once (one draft, one mail).
 * Real PostgreSQL only (the workers are other processes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../helpers/db.js';
import { startSchoolWorker, type SchoolWorker } from '../helpers/school-worker.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { eventually } from '../enrollments/helpers.js';
import { OCTOBER, reportFamily } from './fixture.js';

const workerEnv = (databaseUrl: string): Record<string, string> => ({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '4', WORKER_CONCURRENCY: '4' });

describe.runIf(onRealPostgres)('a worker killed while a progress report waits for approval', () => {
  let database: TestDatabase;
  let s: TestStack;
  const workers: SchoolWorker[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    s = await createTestStack({ database, startWorker: false });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await s?.close();
  });

  it('is finished by another worker once the approval arrives', { timeout: 120_000 }, async () => {
    const admin = await createUser(database.db, 'admin');
    const family = await reportFamily(database.db);
    const first = startSchoolWorker(workerEnv(database.url!));
    workers.push(first);
    await first.ready;

    const started = await s.app.inject({
      method: 'POST',
      url: '/api/v1/ai/progress-reports',
      headers: admin.headers,
      payload: { studentIds: [family.studentId], period: OCTOBER },
    });
    expect(started.statusCode, started.body).toBe(202);
    expect((await s.engine.waitFor(started.json().runId, 60_000)).status).toBe('succeeded');
    const [run] = await database.db.sql.query<{ id: string }>('SELECT id FROM workflow_runs WHERE idempotency_key = $1', [
      `progress-report:${family.studentId}:${OCTOBER.from}:${OCTOBER.to}`,
    ]);
    const runId = run!.id;
    expect((await s.engine.waitFor(runId, 60_000)).status).toBe('waiting');

    const exited = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
    first.child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const [approval] = await database.db.sql.query<{ id: number }>('SELECT id FROM approvals WHERE run_id = $1', [runId]);
    const approved = await s.app.inject({ method: 'POST', url: `/api/v1/approvals/${approval!.id}/approve`, headers: admin.headers, payload: {} });
    expect(approved.statusCode, approved.body).toBe(200);

    const second = startSchoolWorker(workerEnv(database.url!));
    workers.push(second);
    await second.ready;
    expect((await s.engine.waitFor(runId, 60_000)).status).toBe('succeeded');

    const steps = await database.db.sql.query<{ node_id: string; n: number }>(
      `SELECT node_id, count(*)::int AS n FROM workflow_steps WHERE run_id = $1 AND status = 'succeeded' GROUP BY node_id ORDER BY node_id`,
      [runId],
    );
    expect(steps).toEqual([
      { node_id: 'approval', n: 1 },
      { node_id: 'compile', n: 1 },
      { node_id: 'decision', n: 1 },
      { node_id: 'draft', n: 1 },
      { node_id: 'record', n: 1 },
      { node_id: 'send', n: 1 },
    ]);
    expect(await database.db.sql.query('SELECT 1 FROM ai_calls WHERE run_id = $1', [runId])).toHaveLength(1);
    await eventually(
      async () => (await database.db.sql.query(`SELECT 1 FROM outbox WHERE template = 'progress_report' AND lower(recipient) = lower($1)`, [family.parentEmail])).length === 1,
      'the approved report',
      30_000,
    );
    const [report] = await database.db.sql.query<{ status: string }>('SELECT status FROM progress_reports WHERE run_id = $1', [runId]);
    expect(report).toEqual({ status: 'sent' });
  });
});
