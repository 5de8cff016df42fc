/**
 * A worker killed while a payment-issue run waits for approval: the wait holds nothing, so the
 * approval arriving later (signal stored, run queued) is finished by another worker process, once.
 * Real PostgreSQL only (the workers are other processes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../helpers/db.js';
import { startSchoolWorker, type SchoolWorker } from '../helpers/school-worker.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { eventually } from '../enrollments/helpers.js';
import { familyCase } from './fixture.js';

const workerEnv = (databaseUrl: string): Record<string, string> => ({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '4', WORKER_CONCURRENCY: '4' });

describe.runIf(onRealPostgres)('a worker killed while a run waits for approval', () => {
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
    const family = await familyCase(database.db);
    const first = startSchoolWorker(workerEnv(database.url!));
    workers.push(first);
    await first.ready;

    const started = await s.app.inject({ method: 'POST', url: '/api/v1/ai/payment-issues', headers: admin.headers, payload: { paymentId: family.paymentId } });
    expect(started.statusCode, started.body).toBe(202);
    const { runId } = started.json() as { runId: string };
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
    const finished = await s.engine.waitFor(runId, 60_000);
    expect(finished.status).toBe('succeeded');

    const steps = await database.db.sql.query<{ node_id: string; n: number }>(
      `SELECT node_id, count(*)::int AS n FROM workflow_steps WHERE run_id = $1 AND status = 'succeeded' GROUP BY node_id ORDER BY node_id`,
      [runId],
    );
    expect(steps).toEqual([
      { node_id: 'apply-resolutions', n: 1 },
      { node_id: 'approval', n: 1 },
      { node_id: 'decision', n: 1 },
      { node_id: 'gather', n: 1 },
      { node_id: 'send-reply', n: 1 },
      { node_id: 'triage', n: 1 },
    ]);
    // One draft (the rules drafter, no provider configured), one reply.
    const drafts = await database.db.sql.query('SELECT 1 FROM ai_calls WHERE run_id = $1', [runId]);
    expect(drafts).toHaveLength(1);
    await eventually(
      async () => (await database.db.sql.query(`SELECT 1 FROM outbox WHERE template = 'payment_issue_reply' AND lower(recipient) = lower($1)`, [family.parentEmail])).length === 1,
      'the approved reply',
      30_000,
    );
  });
});
