import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TaskContext } from './context.js';
import { defineNode, defineWorkflow } from './definition.js';
import { NodeTimeoutError, PermanentError } from './errors.js';
import { executeWorkflow } from './executor.js';
import type { NodeFailedEvent } from './journal.js';
import { backoffDelay, resolveRetryPolicy, sleep } from './retry.js';
import { Scope } from './scope.js';
import type { NodeDefinition } from './types.js';

const single = (node: NodeDefinition) => defineWorkflow({ name: 'single', event: z.unknown(), start: node.id, nodes: [{ node }] });

describe('backoffDelay', () => {
  it('grows exponentially and is capped by maxDelayMs', () => {
    const policy = resolveRetryPolicy({ initialDelayMs: 100, backoffFactor: 2, maxDelayMs: 1000, jitter: false });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('applies full jitter with the injected random source', () => {
    const policy = resolveRetryPolicy({ initialDelayMs: 100, backoffFactor: 2, maxDelayMs: 1000 });
    expect(backoffDelay(3, policy, () => 0.25)).toBe(100);
    expect(backoffDelay(9, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
  });

  it('has the documented defaults', () => {
    expect(resolveRetryPolicy(undefined)).toEqual({ maxAttempts: 1, initialDelayMs: 100, maxDelayMs: 10_000, backoffFactor: 2, jitter: true });
  });
});

describe('sleep', () => {
  it('rejects with the abort reason as soon as the scope aborts', async () => {
    const scope = new Scope(null);
    const pending = sleep(60_000, scope);
    scope.abort(new Error('stop waiting'));
    await expect(pending).rejects.toThrow('stop waiting');
  });
});

describe('node retries', () => {
  it('retries a failing node with growing, capped delays until it succeeds', async () => {
    let attempts = 0;
    const flaky = defineNode({
      id: 'flaky',
      retry: { maxAttempts: 5, initialDelayMs: 2, backoffFactor: 3, maxDelayMs: 10 },
      process: (ctx: TaskContext) => {
        attempts++;
        if (ctx.attempt < 5) throw new Error(`transient ${ctx.attempt}`);
        return { attempt: ctx.attempt, key: ctx.idempotencyKey };
      },
    });
    const failures: NodeFailedEvent[] = [];
    const result = await executeWorkflow(single(flaky), {
      runId: 'r',
      event: null,
      random: () => 0.5,
      journal: { nodeFailed: (e) => void failures.push(e) },
    });
    expect(result.status).toBe('succeeded');
    expect(attempts).toBe(5);
    expect(result.nodes.flaky).toEqual({ attempt: 5, key: 'r:flaky' });
    // 2, 6, 18→10, 54→10 ms, times the injected jitter 0.5
    expect(failures.map((f) => f.retryDelayMs)).toEqual([1, 3, 5, 5]);
    expect(failures.every((f) => f.willRetry && !f.permanent)).toBe(true);
    expect(failures.map((f) => f.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('fails after maxAttempts with the last error, not permanent', async () => {
    let attempts = 0;
    const broken = defineNode({
      id: 'broken',
      retry: { maxAttempts: 3, initialDelayMs: 1, jitter: false },
      process: async () => {
        attempts++;
        throw new TypeError(`bad ${attempts}`);
      },
    });
    const result = await executeWorkflow(single(broken), { runId: 'r', event: null });
    expect(attempts).toBe(3);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ nodeId: 'broken', name: 'TypeError', message: 'bad 3', permanent: false, attempts: 3 });
  });

  it('does not retry a PermanentError', async () => {
    let attempts = 0;
    const declined = defineNode({
      id: 'declined',
      retry: { maxAttempts: 5, initialDelayMs: 1 },
      process: () => {
        attempts++;
        throw new PermanentError('card declined');
      },
    });
    const failures: NodeFailedEvent[] = [];
    const result = await executeWorkflow(single(declined), { runId: 'r', event: null, journal: { nodeFailed: (e) => void failures.push(e) } });
    expect(attempts).toBe(1);
    expect(result.error).toMatchObject({ name: 'PermanentError', permanent: true, attempts: 1 });
    expect(failures).toMatchObject([{ willRetry: false, permanent: true, retryDelayMs: null }]);
  });
});

describe('timeouts', () => {
  it('times out a node that ignores its signal, fires the signal, and retries per policy', async () => {
    const signals: AbortSignal[] = [];
    const hang = defineNode({
      id: 'hang',
      timeoutMs: 15,
      retry: { maxAttempts: 2, initialDelayMs: 1 },
      process: (ctx: TaskContext) => {
        signals.push(ctx.signal);
        return new Promise<never>(() => {}); // never settles, ignores the signal
      },
    });
    const result = await executeWorkflow(single(hang), { runId: 'r', event: null });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ nodeId: 'hang', name: 'NodeTimeoutError', permanent: false, attempts: 2 });
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted && s.reason instanceof NodeTimeoutError)).toBe(true);
  });

  it('succeeds on a retry after a timed-out attempt', async () => {
    const slowThenFast = defineNode({
      id: 'slow',
      timeoutMs: 15,
      retry: { maxAttempts: 3, initialDelayMs: 1 },
      process: (ctx: TaskContext) => (ctx.attempt === 1 ? new Promise<never>(() => {}) : Promise.resolve({ attempt: ctx.attempt })),
    });
    const failures: NodeFailedEvent[] = [];
    const result = await executeWorkflow(single(slowThenFast), { runId: 'r', event: null, journal: { nodeFailed: (e) => void failures.push(e) } });
    expect(result.status).toBe('succeeded');
    expect(result.nodes.slow).toEqual({ attempt: 2 });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error).toBeInstanceOf(NodeTimeoutError);
    expect(failures[0]?.willRetry).toBe(true);
  });
});
