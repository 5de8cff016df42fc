/**
 * Durable waits through the real queue and database: a node waits for a signal (`ctx.waitFor`),
 * the run leaves its worker with status `waiting`, and goes on when the signal arrives, when the
 * deadline passes (driven by moving the recorded deadline, never by sleeping), or when it is
 * cancelled; an engine restart changes nothing. Once per available queue driver.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/engine/index.js';
import { drivers, openHarness, type Harness } from './harness.js';

const WAIT = 20_000;

describe.each(drivers)('durable waits on %s', (driver) => {
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

  const effectsOf = async (runId: string) => (await h.query<{ node_id: string }>('SELECT node_id FROM effects WHERE run_id = $1 ORDER BY node_id', [runId])).map((r) => r.node_id);
  const deadlineOf = async (runId: string) =>
    (await h.query<{ deadline: Date }>(`SELECT deadline FROM workflow_waits WHERE run_id = $1`, [runId])).map((r) => r.deadline.toISOString());

  /** Starts an `approval` run and waits until it waits. */
  async function waitingRun(engine: { start: Function; waitFor: (id: string, ms: number) => Promise<RunRecord> }, event: object = {}) {
    const { run } = (await engine.start('approval', event)) as { run: RunRecord };
    const waiting = await engine.waitFor(run.id, WAIT);
    expect(waiting.status).toBe('waiting');
    return waiting;
  }

  it('leaves the worker while it waits, and goes on with the payload once the signal arrives', { timeout: 60_000 }, async () => {
    const { engine } = await h.engine();
    const waiting = await waitingRun(engine);
    expect(waiting).toMatchObject({ currentNode: 'approval', leaseOwner: null, leaseExpiresAt: null, waitingFor: ['approved'], finishedAt: null });
    expect(await deadlineOf(waiting.id)).toEqual([waiting.waitingUntil]);
    expect(engine.executor.activeRuns).toBe(0); // no worker slot, no timer held for it
    const listed = await engine.list({ status: 'waiting', limit: 50, offset: 0 });
    expect(listed.runs.map((r) => r.id)).toContain(waiting.id);
    const view = await engine.view(waiting.id);
    expect(view?.nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ['prepare', 'succeeded'],
      ['approval', 'waiting'],
    ]);
    expect(view?.attemptsLog.find((s) => s.nodeId === 'approval')).toMatchObject({
      status: 'waiting',
      output: { waits: [{ signal: 'approved', deadline: waiting.waitingUntil }] },
    });

    expect(await engine.signal(waiting.id, 'approved', { by: 'office' })).toEqual({ delivered: true, status: 'queued' });
    const done = await engine.waitFor(waiting.id, WAIT);
    expect(done).toMatchObject({ status: 'succeeded', waitingFor: null, waitingUntil: null });
    const steps = await h.steps(done.id);
    expect(steps.map((s) => [s.nodeId, s.attempt, s.status])).toEqual([
      ['prepare', 1, 'succeeded'],
      ['approval', 1, 'waiting'],
      ['approval', 2, 'succeeded'],
      ['after', 1, 'succeeded'],
    ]);
    expect(steps[2]?.output).toMatchObject({ received: true, by: 'office' });
    // the waiting node ran again from its beginning; the node before it did not
    expect(await h.executions(done.id)).toEqual({ prepare: 1, approval: 2, after: 1 });
    expect(await effectsOf(done.id)).toEqual(['after', 'prepare']);
    // a repeat changes nothing; an unknown run is undefined; a bad name is refused
    expect(await engine.signal(done.id, 'approved', { by: 'someone else' })).toEqual({ delivered: false, status: 'succeeded' });
    expect(await engine.signal('00000000-0000-0000-0000-000000000000', 'approved')).toBeUndefined();
    expect(await engine.signal('not-a-run', 'approved')).toBeUndefined();
    await expect(engine.signal(done.id, '')).rejects.toBeInstanceOf(RangeError);
  });

  it('keeps a signal sent before the wait, and the first payload wins', { timeout: 60_000 }, async () => {
    const { engine: client } = await h.engine({ worker: false });
    const { run } = await client.start('approval', {});
    expect(await client.signal(run.id, 'approved', { by: 'first' })).toEqual({ delivered: true, status: 'queued' });
    expect(await client.signal(run.id, 'approved', { by: 'second' })).toEqual({ delivered: false, status: 'queued' });
    const { engine } = await h.engine();
    const done = await engine.waitFor(run.id, WAIT);
    expect(done.status).toBe('succeeded');
    expect((await h.steps(run.id)).find((s) => s.nodeId === 'approval')?.output).toMatchObject({ received: true, by: 'first' });
    expect(await h.executions(run.id)).toEqual({ prepare: 1, approval: 1, after: 1 }); // it never waited
  });

  it('times out at the recorded deadline: received false, and the deadline is never extended', { timeout: 60_000 }, async () => {
    const { engine } = await h.engine({ sweepIntervalMs: 60_000 }); // the test sweeps itself
    const waiting = await waitingRun(engine, { timeoutMs: 3_600_000 });
    const [deadline] = await deadlineOf(waiting.id);
    // the worker restarts meanwhile: the deadline stays
    await h.stopEngines();
    const { engine: next } = await h.engine({ sweepIntervalMs: 60_000 });
    expect(await next.sweep()).toBe(0); // not due
    expect((await h.run(waiting.id)).status).toBe('waiting');
    expect(await deadlineOf(waiting.id)).toEqual([deadline]);

    // the deadline passes (moved into the past rather than waited for)
    await h.query(`UPDATE workflow_waits SET deadline = now() - interval '1 second' WHERE run_id = $1`, [waiting.id]);
    await h.query(`UPDATE workflow_runs SET waiting_until = now() - interval '1 second' WHERE id = $1`, [waiting.id]);
    expect(await next.sweep()).toBe(1);
    const done = await next.waitFor(waiting.id, WAIT);
    expect(done.status).toBe('succeeded');
    expect((await h.steps(done.id)).find((s) => s.nodeId === 'approval' && s.status === 'succeeded')?.output).toEqual({ received: false });
    // a signal after the deadline is not taken for the wait (the run is over anyway)
    expect((await next.signal(done.id, 'approved', { by: 'late' }))?.delivered).toBe(false);
    expect(await h.query(`SELECT 1 FROM workflow_waits WHERE run_id = $1`, [done.id])).toHaveLength(1);
  });

  it('counts only a signal that arrived by the deadline, even when the run wakes later', { timeout: 60_000 }, async () => {
    const { engine } = await h.engine({ sweepIntervalMs: 60_000 });
    const waiting = await waitingRun(engine);
    await h.query(`UPDATE workflow_waits SET deadline = now() - interval '1 second' WHERE run_id = $1`, [waiting.id]);
    // the run still waits (nobody swept yet); a signal now is stored and wakes it, but is too late
    expect(await engine.signal(waiting.id, 'approved', { by: 'late' })).toEqual({ delivered: true, status: 'queued' });
    const done = await engine.waitFor(waiting.id, WAIT);
    expect((await h.steps(done.id)).find((s) => s.nodeId === 'approval' && s.status === 'succeeded')?.output).toEqual({ received: false });
  });

  it('loses no wake-up: a signal or a cancel that comes between the wait and the suspension queues the run', async () => {
    const { engine: client } = await h.engine({ worker: false });
    for (const late of ['signal', 'cancel'] as const) {
      const { run } = await client.store.create({ workflow: 'approval', event: {} });
      expect(await client.store.claim(run.id, 'a-worker', 60_000)).toBeDefined();
      const state = await client.waits.wait({ runId: run.id, nodeId: 'approval', signal: 'approved', timeoutMs: 60_000 });
      expect(state.settled).toBe(false);
      const deadline = state.settled ? '' : state.deadline;
      // it arrives while the run is still running: stored (or requested), nobody to wake yet
      if (late === 'signal') expect(await client.signal(run.id, 'approved', { by: 'quick' })).toEqual({ delivered: true, status: 'running' });
      else expect((await client.cancel(run.id))?.status).toBe('running');
      expect(await client.waits.suspend(run.id, 'a-worker', [{ nodeId: 'approval', signal: 'approved', deadline }])).toBe('queued');
      expect(await h.run(run.id)).toMatchObject({ status: 'queued', leaseOwner: null, waitingFor: null, waitingUntil: null });
    }
    // without either, it waits; and only the lease holder can suspend
    const { run } = await client.store.create({ workflow: 'approval', event: {} });
    await client.store.claim(run.id, 'a-worker', 60_000);
    const state = await client.waits.wait({ runId: run.id, nodeId: 'approval', signal: 'approved', timeoutMs: 60_000 });
    const deadline = state.settled ? '' : state.deadline;
    const waits = [{ nodeId: 'approval', signal: 'approved', deadline }];
    expect(await client.waits.suspend(run.id, 'another-worker', waits)).toBe('lost');
    expect(await client.waits.suspend(run.id, 'a-worker', waits)).toBe('waiting');
    expect(await h.run(run.id)).toMatchObject({ status: 'waiting', waitingFor: ['approved'], waitingUntil: deadline });
    // a signal nobody waits for is kept but does not wake it
    expect(await client.signal(run.id, 'unrelated')).toEqual({ delivered: true, status: 'waiting' });
  });

  it('cancels a waiting run: finished nodes are compensated, nothing after the wait runs', { timeout: 60_000 }, async () => {
    const { engine } = await h.engine();
    const { engine: client } = await h.engine({ worker: false });
    const waiting = await waitingRun(engine);
    expect(await effectsOf(waiting.id)).toEqual(['prepare']);
    const requested = await client.cancel(waiting.id);
    expect(requested).toMatchObject({ status: 'queued', waitingFor: null });
    expect(requested?.cancelRequestedAt).not.toBeNull();
    const done = await client.waitFor(waiting.id, WAIT);
    expect(done.status).toBe('cancelled');
    expect(done.error).toMatchObject({ name: 'RunCancelledError' });
    expect(await effectsOf(done.id)).toEqual([]);
    expect(await h.executions(done.id)).toEqual({ prepare: 1, approval: 1 });
    expect(await h.executions(done.id, 'compensate')).toEqual({ prepare: 1 });
    const view = await client.view(done.id);
    expect(view?.nodes.map((n) => [n.nodeId, n.status])).toEqual([
      ['prepare', 'compensated'],
      ['approval', 'cancelled'],
    ]);
    expect(await client.signal(done.id, 'approved', { by: 'too late' })).toEqual({ delivered: false, status: 'cancelled' });
  });

  it('survives an engine restart while waiting: another engine finishes it after the signal', { timeout: 60_000 }, async () => {
    const { engine: first } = await h.engine();
    const waiting = await waitingRun(first);
    await h.stopEngines();
    expect((await h.run(waiting.id)).status).toBe('waiting');
    const { engine: second } = await h.engine();
    expect(await second.signal(waiting.id, 'approved', { by: 'after restart' })).toMatchObject({ delivered: true });
    const done = await second.waitFor(waiting.id, WAIT);
    expect(done.status).toBe('succeeded');
    expect(done.attempt).toBe(2);
    expect(await h.executions(done.id)).toEqual({ prepare: 1, approval: 2, after: 1 });
  });
});
