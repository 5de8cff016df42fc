/**
 * When things go wrong: compensation that really puts the database back, cancelling queued and
 * running runs, and retrying a failed run from its failed node. Once per available queue driver.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drivers, openHarness, type Harness } from './harness.js';

const WAIT = 20_000;

type EffectRow = { key: string; run_id: string; node_id: string };
const allEffects = (h: Harness) => h.query<EffectRow>('SELECT key, run_id, node_id FROM effects ORDER BY key');

describe.each(drivers)('recovery on %s', (driver) => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterEach(async () => {
    await h.stopEngines();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('compensation after a failure forced at a named node', () => {
    it.each([
      { failAt: 'charge', done: ['reserve'] },
      { failAt: 'audit', done: ['reserve', 'charge'] },
      { failAt: 'confirm', done: ['reserve', 'charge', 'notify'] },
    ])('failing at $failAt leaves the effects table as it was', async ({ failAt, done }) => {
      const { engine } = await h.engine();
      // rows that exist before, from a run that succeeded: they must survive
      const kept = await engine.startAndWait('enroll', { failAt: null }, { waitMs: WAIT });
      expect(kept.status).toBe('succeeded');
      const before = await allEffects(h);
      expect(before.filter((r) => r.run_id === kept.id)).toHaveLength(4);

      const run = await engine.startAndWait('enroll', { failAt }, { waitMs: WAIT });
      expect(run.status).toBe('compensated');
      expect(run.error).toMatchObject({ nodeId: failAt, name: 'PermanentError', permanent: true });

      expect(await allEffects(h)).toEqual(before);
      const steps = await h.steps(run.id);
      const compensations = steps.filter((s) => s.kind === 'compensate');
      expect(compensations.map((s) => [s.nodeId, s.status])).toEqual([...done].reverse().map((id) => [id, 'succeeded']));
      // each node's effect was really written (then undone): the compensations ran once each
      expect(await h.executions(run.id, 'compensate')).toEqual(Object.fromEntries(done.map((id) => [id, 1])));
      const failed = steps.filter((s) => s.nodeId === failAt);
      expect(failed.map((s) => s.status)).toEqual(['failed']); // permanent: not retried
      const view = await engine.view(run.id);
      for (const id of done) expect(view?.nodes.find((n) => n.nodeId === id)?.status).toBe('compensated');
    });

    it('failing at the first node leaves nothing to compensate (status failed)', async () => {
      const { engine } = await h.engine();
      const before = await allEffects(h);
      const run = await engine.startAndWait('enroll', { failAt: 'reserve' }, { waitMs: WAIT });
      expect(run.status).toBe('failed');
      expect(await allEffects(h)).toEqual(before);
      expect((await h.steps(run.id)).filter((s) => s.kind === 'compensate')).toEqual([]);
    });
  });

  describe('cancel', () => {
    it('cancels a queued run at once, and no worker executes it later', async () => {
      const { engine: client } = await h.engine({ worker: false });
      const { run } = await client.start('enroll', { failAt: null });
      const cancelled = await client.cancel(run.id);
      expect(cancelled?.status).toBe('cancelled');
      expect(cancelled?.finishedAt).not.toBeNull();
      expect((await h.run(run.id)).status).toBe('cancelled');

      // a worker that takes the jobs in order, one at a time: once the sentinel behind it is done,
      // the cancelled run's job has been seen (and refused)
      const { engine: worker } = await h.engine({ worker: { concurrency: 1 } });
      const sentinel = await worker.startAndWait('enroll', { failAt: null }, { waitMs: WAIT });
      expect(sentinel.status).toBe('succeeded');
      expect((await h.run(run.id)).status).toBe('cancelled');
      expect(await h.steps(run.id)).toEqual([]);
      expect(await h.executions(run.id)).toEqual({});
      expect(await client.cancel('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    });

    it.each([
      { from: 'the worker engine (local abort)', local: true },
      { from: 'another engine (seen at the heartbeat)', local: false },
    ])('cancels a running run from $from and compensates its finished nodes', async ({ local }) => {
      const { engine: worker } = await h.engine({ leaseMs: 1_000 });
      const { engine: client } = await h.engine({ worker: false });
      const before = await allEffects(h);
      const { run } = await client.start('cancellable', {});
      await h.eventually(async () => (await h.executions(run.id)).wait === 1, 'node "wait" to start');
      const running = await client.view(run.id);
      expect(running).toMatchObject({ status: 'running', currentNode: 'wait' });
      expect(running?.nodes.map((n) => [n.nodeId, n.status])).toEqual([
        ['book', 'succeeded'],
        ['wait', 'running'],
      ]);
      expect(running?.progress).toEqual({ completedNodes: 1, totalNodes: 3, percent: 33 });

      const requested = await (local ? worker : client).cancel(run.id);
      expect(requested?.cancelRequestedAt).not.toBeNull();
      const done = await client.waitFor(run.id, WAIT);
      expect(done.status).toBe('cancelled');
      expect(done.error).toMatchObject({ name: 'RunCancelledError' });

      const steps = await h.steps(run.id);
      expect(steps.map((s) => [s.nodeId, s.kind, s.status])).toEqual([
        ['book', 'process', 'succeeded'],
        ['wait', 'process', 'cancelled'],
        ['book', 'compensate', 'succeeded'],
      ]);
      expect(await allEffects(h)).toEqual(before);
      expect((await h.executions(run.id)).after).toBeUndefined();
    });

    it('cancels a run whose worker died, compensating the nodes that worker finished', async () => {
      const { engine: client } = await h.engine({ worker: false });
      const before = await allEffects(h);
      // a worker claimed the run, did "book" (effect + checkpoint) and died in "wait"
      const { run } = await client.store.create({ workflow: 'cancellable', event: {} });
      await client.store.claim(run.id, 'dead-worker', 100);
      const key = `${run.id}:book`;
      await h.query('INSERT INTO effects (key, run_id, node_id) VALUES ($1, $2, $3)', [key, run.id, 'book']);
      const step = { runId: run.id, nodeId: 'book', kind: 'process' as const, attempt: 1, status: 'succeeded' as const, output: { key }, next: 'wait', durationMs: 1 };
      expect(await client.store.recordStep(step, 'dead-worker', 'wait', 100)).toBe(true);

      expect((await client.cancel(run.id))?.status).toBe('running'); // nobody is there to see it yet
      const { engine: worker } = await h.engine({ sweepIntervalMs: 100 });
      const done = await worker.waitFor(run.id, WAIT);
      expect(done.status).toBe('cancelled');
      expect(await allEffects(h)).toEqual(before);
      expect(await h.executions(run.id)).toEqual({}); // "wait" was not started again
      const compensations = (await h.steps(run.id)).filter((s) => s.kind === 'compensate');
      expect(compensations.map((s) => [s.nodeId, s.status])).toEqual([['book', 'succeeded']]);
    });
  });

  describe('retry', () => {
    it('retries a failed run from its failed node, without re-running the nodes before it', async () => {
      const { engine } = await h.engine();
      const { engine: client } = await h.engine({ worker: false });
      // the flag must exist before node c runs: start the run on a client, set the flag, then enqueue
      const created = await engine.store.create({ workflow: 'retryable', event: {} });
      await h.query('INSERT INTO flags (name) VALUES ($1)', [`fail:${created.run.id}`]);
      await engine.queue.enqueue(created.run.id);
      const failed = await engine.waitFor(created.run.id, WAIT);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatchObject({ nodeId: 'c', name: 'PermanentError' });
      expect(await h.executions(failed.id)).toEqual({ a: 1, b: 1, c: 1 });

      await h.query('DELETE FROM flags WHERE name = $1', [`fail:${failed.id}`]);
      const requeued = await client.retry(failed.id);
      expect(requeued?.status).toBe('queued');
      const done = await client.waitFor(failed.id, WAIT);
      expect(done.status).toBe('succeeded');
      expect(done.error).toBeNull();
      expect(done.attempt).toBe(2);
      expect(await h.executions(done.id)).toEqual({ a: 1, b: 1, c: 2, d: 1 });
      const effects = await h.query<EffectRow>('SELECT node_id FROM effects WHERE run_id = $1 ORDER BY node_id', [done.id]);
      expect(effects.map((r) => r.node_id)).toEqual(['a', 'b', 'c', 'd']);

      const steps = await h.steps(done.id);
      expect(steps.map((s) => [s.nodeId, s.attempt, s.status])).toEqual([
        ['a', 1, 'succeeded'],
        ['b', 1, 'succeeded'],
        ['c', 1, 'failed'],
        ['c', 2, 'succeeded'],
        ['d', 1, 'succeeded'],
      ]);
      expect((await engine.view(done.id))?.progress.percent).toBe(100);
      // only failed runs can be retried
      expect(await client.retry(done.id)).toBeUndefined();
    });

    it('does not retry a run whose failure was compensated', async () => {
      const { engine } = await h.engine();
      const run = await engine.startAndWait('enroll', { failAt: 'notify' }, { waitMs: WAIT });
      expect(run.status).toBe('compensated');
      expect(await engine.retry(run.id)).toBeUndefined();
      expect((await h.run(run.id)).status).toBe('compensated');
    });
  });
});
