/**
 * Durable runs through the real queue and the real database: the happy path (router, concurrent
 * children, view), idempotent start, event validation, retries with backoff, timeouts, permanent
 * errors and metrics. Once per available queue driver.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowEngine } from '../../src/engine/durable/engine.js';
import { EventValidationError } from '../../src/engine/index.js';
import { drivers, openHarness, type Harness } from './harness.js';

const WAIT = 20_000;

describe.each(drivers)('durable runs on %s', (driver) => {
  let h: Harness;
  let engine: WorkflowEngine;
  let metrics: Registry;

  beforeAll(async () => {
    h = await openHarness(driver);
    metrics = new Registry();
    ({ engine } = await h.engine({ metricsRegistry: metrics }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('uses the expected queue driver', () => {
    expect(engine.queue.driver).toBe(driver);
  });

  it.each(['left', 'right'] as const)('runs the happy path through the queue, routed %s', async (side) => {
    const run = await engine.startAndWait('happy', { side, n: 7 }, { waitMs: WAIT });
    expect(run.status).toBe('succeeded');
    expect(run.error).toBeNull();
    expect(run.leaseOwner).toBeNull();
    expect(run.finishedAt).not.toBeNull();

    const [row] = await h.query<{ status: string; result: { path: string[] } }>('SELECT status, result FROM workflow_runs WHERE id = $1', [run.id]);
    expect(row?.status).toBe('succeeded');
    const other = side === 'left' ? 'right' : 'left';
    expect(row?.result.path.slice(0, 3)).toEqual(['intake', 'route', side]);

    const steps = await h.steps(run.id);
    // one row per node on the path, the branch not taken has none
    const nodes = steps.map((s) => s.nodeId);
    expect(new Set(nodes).size).toBe(nodes.length);
    expect([...nodes].sort()).toEqual(['c1', 'c2', 'c3', 'fan', 'finish', 'intake', 'route', side].sort());
    expect(nodes).not.toContain(other);
    for (const step of steps) {
      expect(step).toMatchObject({ kind: 'process', attempt: 1, status: 'succeeded' });
      expect(step.finishedAt).not.toBeNull();
    }
    const byId = Object.fromEntries(steps.map((s) => [s.nodeId, s]));
    expect(byId.route?.next).toBe(side);
    expect(byId.intake?.output).toEqual({ node: 'intake', n: 7 });
    expect(byId[side]?.output).toEqual({ node: side, n: 7 });
    // concurrent children: each its own output row
    for (const child of ['c1', 'c2', 'c3']) expect(byId[child]?.output).toEqual({ node: child, n: 7 });
    expect(byId.finish?.output).toEqual({ children: ['c1', 'c2', 'c3'] });
    expect(byId.fan?.next).toBe('finish');
    expect(byId.finish?.next).toBeNull();

    const view = await engine.view(run.id);
    expect(view?.progress.percent).toBe(100);
    expect(view?.progress.completedNodes).toBe(8);
    expect(view?.nodes.map((n) => n.nodeId)).toEqual(nodes);
    for (const node of view?.nodes ?? []) {
      expect(node.status).toBe('succeeded');
      expect(node.attempts).toBe(1);
      expect(node.startedAt).not.toBeNull();
      expect(node.finishedAt).not.toBeNull();
      expect(node.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('returns the same run for the same idempotency key', async () => {
    const first = await engine.start('happy', { side: 'left', n: 1 }, { idempotencyKey: `order-${driver}` });
    const second = await engine.start('happy', { side: 'right', n: 2 }, { idempotencyKey: `order-${driver}` });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.run.id).toBe(first.run.id);
    const rows = await h.query<{ n: number }>('SELECT count(*)::int AS n FROM workflow_runs WHERE idempotency_key = $1', [`order-${driver}`]);
    expect(rows[0]?.n).toBe(1);
    const done = await engine.waitFor(first.run.id, WAIT);
    expect(done.status).toBe('succeeded');
    expect(done.event).toEqual({ side: 'left', n: 1 });
  });

  it('rejects a bad event with EventValidationError and stores nothing', async () => {
    const before = await h.query<{ n: number }>('SELECT count(*)::int AS n FROM workflow_runs');
    const error = await engine.start('happy', { side: 'up', n: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect(String((error as Error).message)).toMatch(/side/);
    await expect(engine.start('happy', { side: 'left', n: 1.5 }, { idempotencyKey: 'bad' })).rejects.toBeInstanceOf(EventValidationError);
    const after = await h.query<{ n: number }>('SELECT count(*)::int AS n FROM workflow_runs');
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('retries a failing node with backoff until it succeeds', async () => {
    const run = await engine.startAndWait('flaky', {}, { waitMs: WAIT });
    expect(run.status).toBe('succeeded');
    const flaky = (await h.steps(run.id)).filter((s) => s.nodeId === 'flaky');
    expect(flaky.map((s) => [s.attempt, s.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'succeeded'],
    ]);
    expect(flaky[0]?.error).toMatchObject({ name: 'Error', message: 'transient failure 1', willRetry: true, retryDelayMs: 10, permanent: false });
    expect(flaky[1]?.error).toMatchObject({ message: 'transient failure 2', willRetry: true, retryDelayMs: 20 });
    expect(flaky[2]?.output).toEqual({ attempt: 3 });
    const view = await engine.view(run.id);
    expect(view?.nodes.find((n) => n.nodeId === 'flaky')).toMatchObject({ status: 'succeeded', attempts: 3, error: null });
  });

  it('fails a node that outlives its timeout, once per attempt', async () => {
    const run = await engine.startAndWait('slow', {}, { waitMs: WAIT });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ nodeId: 'sluggish', name: 'NodeTimeoutError', permanent: false, attempts: 2 });
    const steps = await h.steps(run.id);
    expect(steps.map((s) => [s.nodeId, s.attempt, s.status])).toEqual([
      ['sluggish', 1, 'failed'],
      ['sluggish', 2, 'failed'],
    ]);
    for (const step of steps) expect(step.error).toMatchObject({ name: 'NodeTimeoutError' });
    expect(steps.map((s) => (s.error as { willRetry: boolean }).willRetry)).toEqual([true, false]);
  });

  it('does not retry a permanent error', async () => {
    const run = await engine.startAndWait('permanent', {}, { waitMs: WAIT });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ nodeId: 'broken', name: 'PermanentError', message: 'card declined', permanent: true, attempts: 1 });
    const broken = (await h.steps(run.id)).filter((s) => s.nodeId === 'broken');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ attempt: 1, status: 'failed' });
    expect(broken[0]?.error).toMatchObject({ permanent: true, willRetry: false });
    const view = await engine.view(run.id);
    expect(view?.nodes.find((n) => n.nodeId === 'broken')?.status).toBe('failed');
    expect(view?.progress.percent).toBeLessThan(100);
  });

  it('counts runs and node attempts in the metrics registry', async () => {
    // the tests above ran on this engine; one more of each kind to be independent of their order
    await engine.startAndWait('flaky', {}, { waitMs: WAIT });
    await engine.startAndWait('permanent', {}, { waitMs: WAIT });
    const text = await metrics.metrics();
    expect(text).toMatch(/^workflow_runs_total\{workflow="flaky",status="succeeded"\} [1-9]\d*$/m);
    expect(text).toMatch(/^workflow_runs_total\{workflow="permanent",status="failed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^workflow_node_attempts_total\{workflow="flaky",node="flaky",kind="process",status="retried"\} ([2-9]|\d{2,})$/m);
    expect(text).toMatch(/^workflow_node_attempts_total\{workflow="flaky",node="flaky",kind="process",status="succeeded"\} [1-9]\d*$/m);
    expect(text).toMatch(/^workflow_node_attempts_total\{workflow="permanent",node="broken",kind="process",status="failed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^workflow_run_duration_seconds_count\{workflow="flaky",status="succeeded"\} [1-9]\d*$/m);
  });
});
