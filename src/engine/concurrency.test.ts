import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TaskContext } from './context.js';
import { defineNode, defineWorkflow } from './definition.js';
import { PermanentError, SiblingFailedError } from './errors.js';
import { executeWorkflow } from './executor.js';
import type { NodeDefinition } from './types.js';

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the signal fires, rejecting with its reason. */
const untilAborted = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

function fanOut(children: NodeDefinition[], limit?: number, after: string[] = []) {
  const ids = children.map((c) => c.id);
  return defineWorkflow({
    name: 'fan-out',
    event: z.unknown(),
    start: 'parent',
    nodes: [
      {
        node: defineNode({ id: 'parent', process: () => ({ parent: true }) }),
        connections: ['after'],
        concurrent: limit === undefined ? { nodes: ids } : { nodes: ids, limit },
      },
      ...children.map((node) => ({ node })),
      { node: defineNode({ id: 'after', process: () => (after.push('after'), { seen: true }) }) },
    ],
  });
}

describe('concurrent nodes', () => {
  it('writes each child output in its own slot, then continues to the connection', async () => {
    const kids = ['email', 'sms', 'push'].map((id) =>
      defineNode({
        id,
        process: async (ctx: TaskContext) => {
          await tick();
          return { channel: id, key: ctx.idempotencyKey, parentSeen: ctx.nodes.parent !== undefined };
        },
      }),
    );
    const after: string[] = [];
    const result = await executeWorkflow(fanOut(kids, undefined, after), { runId: 'r', event: null });
    expect(result.status).toBe('succeeded');
    expect(result.nodes.parent).toEqual({ parent: true });
    for (const id of ['email', 'sms', 'push']) {
      expect(result.nodes[id]).toEqual({ channel: id, key: `r:${id}`, parentSeen: true });
    }
    expect(result.path[0]).toBe('parent');
    expect([...result.path.slice(1, 4)].sort()).toEqual(['email', 'push', 'sms']);
    expect(result.path[4]).toBe('after');
    expect(after).toEqual(['after']);
  });

  it('never runs more children at once than the limit', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let started = 0;
    const kids = [1, 2, 3, 4, 5, 6].map((i) =>
      defineNode({
        id: `k${i}`,
        process: async () => {
          started++;
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await tick(2);
          inFlight--;
          return i;
        },
      }),
    );
    const result = await executeWorkflow(fanOut(kids, 2), { runId: 'r', event: null });
    expect(result.status).toBe('succeeded');
    expect(started).toBe(6);
    expect(maxInFlight).toBe(2);
    expect([1, 2, 3, 4, 5, 6].map((i) => result.nodes[`k${i}`])).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('aborts the siblings when one child fails for good, and fails the run', async () => {
    const signals: Record<string, AbortSignal> = {};
    const started: string[] = [];
    const waiter = (id: string) =>
      defineNode({
        id,
        process: async (ctx: TaskContext) => {
          started.push(id);
          signals[id] = ctx.signal;
          return untilAborted(ctx.signal);
        },
      });
    const failing = defineNode({
      id: 'boom',
      retry: { maxAttempts: 5, initialDelayMs: 0 },
      process: async () => {
        started.push('boom');
        await tick();
        throw new PermanentError('card declined');
      },
    });
    const after: string[] = [];
    // limit 3: w1, w2 and boom start; w3 is queued and must never start.
    const result = await executeWorkflow(fanOut([waiter('w1'), waiter('w2'), failing, waiter('w3')], 3, after), {
      runId: 'r',
      event: null,
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ nodeId: 'boom', name: 'PermanentError', message: 'card declined', attempts: 1 });
    expect(started.sort()).toEqual(['boom', 'w1', 'w2']);
    expect(signals.w1?.aborted).toBe(true);
    expect(signals.w2?.aborted).toBe(true);
    expect(signals.w1?.reason).toBeInstanceOf(SiblingFailedError);
    expect(after).toEqual([]);
    expect(result.path).toEqual(['parent']);
  });

  it('compensates the children that finished when a sibling fails', async () => {
    const undone: string[] = [];
    const finished: Record<string, () => void> = {};
    const done = (id: string) => new Promise<void>((resolve) => (finished[id] = resolve));
    const fastDone = done('fast');
    const slowDone = done('slow');
    const ok = (id: string, waitFor: Promise<void> | null) =>
      defineNode({
        id,
        process: async () => {
          await (waitFor ?? tick());
          setTimeout(() => finished[id]?.(), 0); // after the executor recorded the success
          return { id };
        },
        compensate: (_ctx: TaskContext, output: { id: string }) => {
          undone.push(output.id);
        },
      });
    const failing = defineNode({
      id: 'boom',
      process: async () => {
        await slowDone;
        throw new PermanentError('nope');
      },
    });
    const result = await executeWorkflow(fanOut([ok('fast', null), ok('slow', fastDone), failing]), { runId: 'r', event: null });
    expect(result.status).toBe('compensated');
    expect(result.path).toEqual(['parent', 'fast', 'slow']);
    expect(undone).toEqual(['slow', 'fast']);
    expect(result.compensated).toEqual(['slow', 'fast']);
  });
  it('ends cancelled when the run is cancelled while children are in flight', async () => {
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    const kid = (id: string) =>
      defineNode({
        id,
        process: (ctx: TaskContext) => {
          signals.push(ctx.signal);
          if (signals.length === 2) setTimeout(() => controller.abort(), 1);
          return new Promise<never>(() => {}); // ignores its signal: the executor must not wait for it
        },
      });
    const after: string[] = [];
    const result = await executeWorkflow(fanOut([kid('a'), kid('b')], undefined, after), { runId: 'r', event: null, signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(after).toEqual([]);
  });
});
