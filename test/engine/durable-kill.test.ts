/**
 * The headline durability test: a real worker process is killed with SIGKILL in the middle of a
 * run; a second worker process resumes the run after its last checkpoint. Every node's side
 * effect exists exactly once, and only the interrupted node ran twice. Likewise a worker killed
 * while its run waits for a signal (nothing changes), and one killed right after a transactional
 * step committed (the step is not written again).
 *
 * Needs real PostgreSQL (PGlite lives inside one process): runs when TEST_DATABASE_URL is set,
 * for pg-boss and, with REDIS_URL, for BullMQ.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onRealPostgres } from '../helpers/db.js';
import { drivers, openHarness, redisUrl, spawnWorker, type Harness, type WorkerProcess } from './harness.js';

const WAIT = 30_000;

describe.runIf(onRealPostgres)('SIGKILL of a worker process mid-run', () => {
  describe.each(drivers)('on %s', (driver) => {
    let h: Harness;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      h = await openHarness(driver);
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await h.stopEngines();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('resumes the run in another process after the last checkpoint, effects exactly once', { timeout: 90_000 }, async () => {
      const namespace = h.namespace();
      const { pgBossSchema, redisPrefix } = h.queueLocation(namespace);
      const env = {
        WORKER_DATABASE_URL: h.database.url!,
        WORKER_DRIVER: driver,
        WORKER_REDIS_URL: redisUrl ?? '',
        WORKER_REDIS_PREFIX: redisPrefix,
        WORKER_PGBOSS_SCHEMA: pgBossSchema,
        WORKER_LEASE_MS: '1000',
        WORKER_SWEEP_MS: '200',
        WORKER_CONCURRENCY: '2',
        WORKER_POOL_SIZE: '4',
      };
      // the client (this process) only starts runs and reads their state
      const { engine: client } = await h.engine({ namespace, worker: false });
      const first = spawnWorker(env);
      workers.push(first);
      const firstOwner = await first.ready;

      const { run } = await client.start('linear', { hold: true });
      // wait until n1 and n2 are checkpointed and n3 is executing in the child
      await h.eventually(async () => {
        const steps = await h.steps(run.id);
        const done = steps.filter((s) => s.status === 'succeeded').map((s) => s.nodeId);
        return done.join() === 'n1,n2' && (await h.executions(run.id)).n3 === 1;
      }, 'the first worker to reach n3');
      expect((await h.run(run.id)).leaseOwner).toBe(firstOwner);

      const exited = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
      first.child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const orphaned = await h.run(run.id);
      expect(orphaned).toMatchObject({ status: 'running', leaseOwner: firstOwner, currentNode: 'n3' });

      // let the waiting node finish next time, and start a second worker process
      await h.query('INSERT INTO flags (name) VALUES ($1)', [`release:${run.id}`]);
      const second = spawnWorker(env);
      workers.push(second);
      const secondOwner = await second.ready;
      expect(secondOwner).not.toBe(firstOwner);

      const done = await client.waitFor(run.id, WAIT);
      expect(done.status).toBe('succeeded');
      expect(done.attempt).toBe(2); // claimed by the first worker, then once by the second
      expect(done.leaseOwner).toBeNull();

      // every node's side effect exists exactly once
      const effects = await h.query<{ key: string; node_id: string }>('SELECT key, node_id FROM effects WHERE run_id = $1 ORDER BY node_id', [run.id]);
      expect(effects).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => ({ key: `${run.id}:${id}`, node_id: id })));
      // checkpointed nodes were not executed again; only the interrupted node ran twice
      expect(await h.executions(run.id)).toEqual({ n1: 1, n2: 1, n3: 2, n4: 1, n5: 1, n6: 1 });
      const pids = await h.query<{ node_id: string; pids: number }>(
        'SELECT node_id, count(DISTINCT pid)::int AS pids FROM executions WHERE run_id = $1 GROUP BY node_id ORDER BY node_id',
        [run.id],
      );
      expect(pids.find((p) => p.node_id === 'n3')?.pids).toBe(2); // once in each process
      // one succeeded checkpoint per node, no duplicate step rows
      const steps = await h.steps(run.id);
      expect(steps.map((s) => [s.nodeId, s.attempt, s.status])).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => [id, 1, 'succeeded']));
      const view = await client.view(run.id);
      expect(view?.progress.percent).toBe(100);
    });

    /** Worker environment for a fresh queue namespace, and a client engine on it. */
    const workerSetup = async () => {
      const namespace = h.namespace();
      const { pgBossSchema, redisPrefix } = h.queueLocation(namespace);
      const env = {
        WORKER_DATABASE_URL: h.database.url!,
        WORKER_DRIVER: driver,
        WORKER_REDIS_URL: redisUrl ?? '',
        WORKER_REDIS_PREFIX: redisPrefix,
        WORKER_PGBOSS_SCHEMA: pgBossSchema,
        WORKER_LEASE_MS: '1000',
        WORKER_SWEEP_MS: '200',
        WORKER_CONCURRENCY: '2',
        WORKER_POOL_SIZE: '4',
      };
      const { engine: client } = await h.engine({ namespace, worker: false });
      return { env, client };
    };
    const kill = async (worker: WorkerProcess): Promise<void> => {
      const exited = new Promise((resolve) => worker.child.once('exit', (_code, signal) => resolve(signal)));
      worker.child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    };

    it('a run waiting for a signal outlives its worker; another worker finishes it after the signal', { timeout: 90_000 }, async () => {
      const { env, client } = await workerSetup();
      const first = spawnWorker(env);
      workers.push(first);
      await first.ready;
      const { run } = await client.start('approval', {});
      const waiting = await client.waitFor(run.id, WAIT);
      expect(waiting).toMatchObject({ status: 'waiting', leaseOwner: null, waitingFor: ['approved'] });

      await kill(first);
      expect(await h.run(run.id)).toMatchObject({ status: 'waiting', waitingUntil: waiting.waitingUntil, attempt: 1 });

      const second = spawnWorker(env);
      workers.push(second);
      await second.ready;
      expect(await client.signal(run.id, 'approved', { by: 'parent' })).toEqual({ delivered: true, status: 'queued' });
      const done = await client.waitFor(run.id, WAIT);
      expect(done.status).toBe('succeeded');
      expect(await h.executions(run.id)).toEqual({ prepare: 1, approval: 2, after: 1 });
      const pids = await h.query<{ pid: number }>('SELECT DISTINCT pid FROM executions WHERE run_id = $1 AND node_id = $2', [run.id, 'approval']);
      expect(pids).toHaveLength(2);
    });

    it('a worker killed right after a transactional step commits: the next worker does not write again', { timeout: 90_000 }, async () => {
      const { env, client } = await workerSetup();
      const first = spawnWorker(env);
      workers.push(first);
      await first.ready;
      const { run } = await client.store.create({ workflow: 'transactional', event: {} });
      await h.query('INSERT INTO flags (name) VALUES ($1)', [`kill:${run.id}`]);
      const exited = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
      await client.queue.enqueue(run.id);
      expect(await exited).toBe('SIGKILL'); // the node killed its own process after the commit
      expect(await h.steps(run.id)).toEqual([]); // no checkpoint
      expect((await h.query('SELECT 1 FROM workflow_transactions WHERE run_id = $1', [run.id])).length).toBe(1);

      const second = spawnWorker(env);
      workers.push(second);
      await second.ready;
      const done = await client.waitFor(run.id, WAIT);
      expect(done.status).toBe('succeeded');
      expect(done.attempt).toBe(2);
      const ledger = await h.query<{ pid: number }>('SELECT pid FROM ledger WHERE run_id = $1', [run.id]);
      expect(ledger).toEqual([{ pid: first.child.pid }]); // written once, by the killed process
      expect(await h.executions(run.id)).toEqual({ write: 2 });
      const [record] = await h.query<{ result: unknown }>('SELECT result FROM workflow_transactions WHERE run_id = $1', [run.id]);
      expect((await h.steps(run.id)).find((s) => s.nodeId === 'write')?.output).toEqual(record?.result);
    });
  });
});
