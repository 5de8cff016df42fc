/**
 * Several workers on one database and queue: a run whose worker died (expired lease) is resumed
 * by another after its last checkpoint, a live lease is respected, two workers share the work
 * without executing a run twice, and cron firings start one run each. Once per available driver.
 */
import PgBoss from 'pg-boss';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/engine/durable/store.js';
import { pgliteBossSql } from '../../src/runtime/queue.js';
import { onRealPostgres } from '../helpers/db.js';
import { drivers, openHarness, type Harness } from './harness.js';

const WAIT = 20_000;

describe.each(drivers)('workers on %s', (driver) => {
  let h: Harness;
  let store: RunStore;

  beforeAll(async () => {
    h = await openHarness(driver);
    store = new RunStore(h.database.db.sql);
  });
  afterEach(async () => {
    await h.stopEngines();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('resumes a run whose worker died after its last checkpoint, once the lease expires', async () => {
    // a "dead worker" claimed the run with a short lease, finished n1 and failed n2 once
    const { run } = await store.create({ workflow: 'linear', event: { hold: false } });
    expect(await store.claim(run.id, 'dead-worker', 200)).toMatchObject({ status: 'running', leaseOwner: 'dead-worker' });
    const asDead = (step: Parameters<RunStore['recordStep']>[0], next: string) => store.recordStep(step, 'dead-worker', next, 200);
    expect(await asDead({ runId: run.id, nodeId: 'n1', kind: 'process', attempt: 1, status: 'succeeded', output: { node: 'n1' }, next: 'n2', durationMs: 1 }, 'n2')).toBe(true);
    expect(await asDead({ runId: run.id, nodeId: 'n2', kind: 'process', attempt: 1, status: 'failed', error: { name: 'Error', message: 'crash' }, durationMs: 1 }, 'n2')).toBe(
      true,
    );
    // the run's queue job is gone with the worker: only the sweeper can bring it back
    const { engine } = await h.engine({ namespace: h.namespace(), sweepIntervalMs: 100, staleQueuedMs: 60_000 });
    const done = await engine.waitFor(run.id, WAIT);
    expect(done.status).toBe('succeeded');
    expect(done.attempt).toBe(2);
    expect(await h.executions(run.id)).toEqual({ n2: 1, n3: 1, n4: 1, n5: 1, n6: 1 });
    const steps = await h.steps(run.id);
    expect(steps.map((s) => [s.nodeId, s.attempt, s.status])).toEqual([
      ['n1', 1, 'succeeded'],
      ['n2', 1, 'failed'],
      ['n2', 2, 'succeeded'],
      ['n3', 1, 'succeeded'],
      ['n4', 1, 'succeeded'],
      ['n5', 1, 'succeeded'],
      ['n6', 1, 'succeeded'],
    ]);
    // the dead worker can no longer write: its lease is gone
    expect(await asDead({ runId: run.id, nodeId: 'n3', kind: 'process', attempt: 9, status: 'succeeded', output: {}, next: 'n4', durationMs: 1 }, 'n4')).toBe(false);
    expect(await store.finish(run.id, 'dead-worker', { runId: run.id, workflow: 'linear', status: 'failed', nodes: {}, path: [], compensated: [] })).toBe(false);
    expect((await h.run(run.id)).status).toBe('succeeded');
  });

  it('enqueues again a queued run whose job was lost', async () => {
    const { run } = await store.create({ workflow: 'linear', event: { hold: false } }); // no job
    const { engine } = await h.engine({ namespace: h.namespace(), sweepIntervalMs: 100, staleQueuedMs: 300 });
    const done = await engine.waitFor(run.id, WAIT);
    expect(done.status).toBe('succeeded');
    expect(done.attempt).toBe(1);
  });

  it('stops a worker whose lease was taken over, without writing or compensating anything', async () => {
    const { engine, errors } = await h.engine({ namespace: h.namespace(), leaseMs: 600, sweepIntervalMs: 100 });
    const { run } = await engine.start('cancellable', {});
    await h.eventually(async () => (await h.executions(run.id)).wait === 1, 'node "wait" to start');
    // another worker takes the run over (as if this one had stalled past its lease)
    await h.query(`UPDATE workflow_runs SET lease_owner = 'thief', lease_expires_at = now() + interval '60 s' WHERE id = $1`, [run.id]);
    // the old worker notices at its next heartbeat and stops: no step, no compensation, no finish
    await h.eventually(async () => engine.executor.activeRuns === 0, 'the old worker to let go');
    expect((await h.steps(run.id)).map((s) => [s.nodeId, s.kind, s.status])).toEqual([['book', 'process', 'succeeded']]);
    expect(await h.run(run.id)).toMatchObject({ status: 'running', leaseOwner: 'thief' });
    expect((await h.query('SELECT 1 FROM effects WHERE run_id = $1', [run.id])).length).toBe(1);
    expect(errors).toEqual([]);

    // the "thief" dies too: the run is cancelled and the sweeper's worker compensates it
    await engine.cancel(run.id);
    await h.query(`UPDATE workflow_runs SET lease_expires_at = now() WHERE id = $1`, [run.id]);
    const done = await engine.waitFor(run.id, WAIT);
    expect(done.status).toBe('cancelled');
    expect(await h.executions(run.id)).toEqual({ book: 1, wait: 1 });
    expect((await h.query('SELECT 1 FROM effects WHERE run_id = $1', [run.id])).length).toBe(0);
  });

  it('leaves a run alone while another worker holds its lease', async () => {
    const { run } = await store.create({ workflow: 'linear', event: { hold: false } });
    await store.claim(run.id, 'busy-worker', 60_000);
    const { engine } = await h.engine({ namespace: h.namespace(), worker: { concurrency: 1 } });
    await engine.queue.enqueue(run.id);
    // jobs are taken in order, one at a time: once the sentinel is done, the job was seen
    const sentinel = await engine.startAndWait('linear', { hold: false }, { waitMs: WAIT });
    expect(sentinel.status).toBe('succeeded');
    expect(await h.run(run.id)).toMatchObject({ status: 'running', leaseOwner: 'busy-worker', attempt: 1 });
    expect(await h.steps(run.id)).toEqual([]);
  });

  it('shares runs between two workers, each run executed by exactly one', async () => {
    const namespace = h.namespace();
    const registries = [new Registry(), new Registry()];
    await h.engine({ namespace, metricsRegistry: registries[0], worker: { concurrency: 2 } });
    await h.engine({ namespace, metricsRegistry: registries[1], worker: { concurrency: 2 } });
    const { engine: client } = await h.engine({ namespace, worker: false });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await client.start('linear', { hold: false }, { metadata: { batch: 'shared' } })).run.id);
    const finals = await Promise.all(ids.map((id) => client.waitFor(id, WAIT)));
    expect(finals.map((r) => r.status)).toEqual(ids.map(() => 'succeeded'));
    expect(finals.every((r) => r.attempt === 1)).toBe(true); // claimed once

    const duplicates = await h.query(
      `SELECT run_id, node_id, kind, count(*) FROM workflow_steps WHERE run_id = ANY($1::uuid[])
       GROUP BY run_id, node_id, kind HAVING count(*) > 1`,
      [ids],
    );
    expect(duplicates).toEqual([]);
    const [steps] = await h.query<{ n: number }>('SELECT count(*)::int AS n FROM workflow_steps WHERE run_id = ANY($1::uuid[])', [ids]);
    expect(steps?.n).toBe(20 * 6);
    const [executions] = await h.query<{ n: number }>('SELECT count(*)::int AS n FROM executions WHERE run_id = ANY($1::uuid[])', [ids]);
    expect(executions?.n).toBe(20 * 6);

    const succeeded = async (registry: Registry): Promise<number> => {
      const metric = await registry.getSingleMetric('workflow_runs_total')?.get();
      return metric?.values.find((v) => v.labels.workflow === 'linear' && v.labels.status === 'succeeded')?.value ?? 0;
    };
    const counts = await Promise.all(registries.map(succeeded));
    expect(counts[0]! + counts[1]!).toBe(20);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
  });

  it('delivers every job through wake-ups alone, concurrent starts included', async () => {
    const namespace = h.namespace();
    const noPolling = { namespace, pollIntervalMs: 600_000, staleQueuedMs: 600_000 };
    await h.engine({ ...noPolling, worker: { concurrency: 3 } });
    const { engine: client } = await h.engine({ ...noPolling, worker: false });
    // a burst of concurrent starts (their wake-ups are coalesced), then single starts on an idle queue
    const burst = await Promise.all(Array.from({ length: 30 }, () => client.start('linear', { hold: false })));
    const burstDone = await Promise.all(burst.map(({ run }) => client.waitFor(run.id, WAIT)));
    expect(burstDone.map((r) => r.status)).toEqual(burst.map(() => 'succeeded'));
    for (let i = 0; i < 20; i++) expect((await client.startAndWait('linear', { hold: false }, { waitMs: 10_000 })).status).toBe('succeeded');
    if (driver === 'pg-boss') {
      await h.stopEngines(); // flushes the batched completions
      const { pgBossSchema } = h.queueLocation(namespace);
      const jobs = await h.query<{ state: string; n: number }>(`SELECT state, count(*)::int AS n FROM ${pgBossSchema}.job WHERE name = 'workflow-runs' GROUP BY state`);
      expect(jobs).toEqual([{ state: 'completed', n: 50 }]);
    }
  });

  it.runIf(driver === 'pg-boss' && onRealPostgres)('a client engine releases its PostgreSQL connections on stop', async () => {
    const connections = async (): Promise<number> =>
      Number((await h.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()'))[0]?.n);
    const before = await connections();
    const { engine } = await h.engine({ namespace: h.namespace(), worker: false });
    await engine.start('linear', { hold: false }); // sends a job and a wake-up notification
    expect(await connections()).toBeGreaterThan(before);
    await h.stopEngines();
    await h.eventually(async () => (await connections()) <= before, 'the connections to close', 5_000);
  });

  describe('cron', () => {
    const cronRuns = async (pattern: string) =>
      h.query<{ id: string; status: string; idempotency_key: string }>(
        `SELECT id, status, idempotency_key FROM workflow_runs WHERE workflow_name = 'cron-target' AND idempotency_key LIKE $1 ORDER BY idempotency_key`,
        [pattern],
      );

    it('starts one run for one firing, even when two workers handle it', async () => {
      const namespace = h.namespace();
      const a = await h.engine({ namespace });
      const b = await h.engine({ namespace });
      await Promise.all([a.queue.handlers!.cron('cron-target', `dup-${driver}`), b.queue.handlers!.cron('cron-target', `dup-${driver}`)]);
      await a.queue.handlers!.cron('cron-target', `dup-${driver}`); // redelivered later
      const runs = await cronRuns(`cron:dup-${driver}`);
      expect(runs).toHaveLength(1);
      expect((await a.engine.waitFor(runs[0]!.id, WAIT)).status).toBe('succeeded');
    });

    it.runIf(driver === 'pg-boss')('pg-boss: registers the schedule and every worker handles its firings', async () => {
      const namespace = h.namespace();
      const { pgBossSchema } = h.queueLocation(namespace);
      // the schedule is registered at boot, before the worker starts
      const a = await h.engine({ namespace, worker: false });
      await a.engine.schedule('cron-target', '*/5 * * * *', 'America/Halifax');
      await a.engine.startWorker({ concurrency: 2 });
      // a second worker process that never registered it
      await h.engine({ namespace });
      const schedules = await h.query<{ name: string; cron: string; timezone: string }>(`SELECT name, cron, timezone FROM ${pgBossSchema}.schedule`);
      expect(schedules).toEqual([{ name: 'workflow-cron.cron-target', cron: '*/5 * * * *', timezone: 'America/Halifax' }]);
      await expect(a.engine.schedule('no-such-workflow', '* * * * *', 'UTC')).rejects.toThrow();

      // pg-boss's clock fires at minute resolution; send the firing job as it does
      const db = h.database.db;
      const sender = new PgBoss({
        ...(db.kind === 'postgres' ? { connectionString: h.database.url! } : { db: pgliteBossSql(db) as PgBoss.Db }),
        schema: pgBossSchema,
        supervise: false,
        schedule: false,
      });
      sender.on('error', () => undefined);
      await sender.start();
      try {
        const jobIds = [];
        for (let i = 0; i < 4; i++) jobIds.push(await sender.send('workflow-cron.cron-target', { workflow: 'cron-target' }));
        const runs = await h.eventually(async () => {
          const rows = await cronRuns('cron:pgboss:%');
          return rows.length >= 4 && rows.every((r) => r.status === 'succeeded') ? rows : undefined;
        }, 'four cron runs');
        expect(runs.map((r) => r.idempotency_key).sort()).toEqual(jobIds.map((id) => `cron:pgboss:${id}`).sort());
      } finally {
        await sender.stop({ graceful: false, wait: true });
      }
    });

    it.runIf(driver === 'bullmq')('bullmq: a per-second schedule registered by two workers fires once per second', async () => {
      const namespace = h.namespace();
      const a = await h.engine({ namespace });
      const b = await h.engine({ namespace });
      // every worker registers the schedule at boot
      await a.engine.schedule('cron-target', '* * * * * *', 'UTC');
      await b.engine.schedule('cron-target', '* * * * * *', 'UTC');
      const runs = await h.eventually(async () => {
        const rows = await cronRuns('cron:bullmq:%');
        return rows.filter((r) => r.status === 'succeeded').length >= 3 ? rows : undefined;
      }, 'three cron runs');
      await h.stopEngines();
      // one firing per second: each run's firing id names a distinct second
      const seconds = runs.map((r) => /:(\d+)$/.exec(r.idempotency_key)?.[1]).map(Number);
      expect(seconds.every((ms) => Number.isInteger(ms) && ms % 1000 === 0)).toBe(true);
      expect(new Set(seconds).size).toBe(runs.length);
    });
  });
});
