/**
 * `ctx.waitFor` and `ctx.transaction` in the executor, with in-memory providers standing in for a
 * durable layer: suspension (status waiting, no retry, no compensation), resume from checkpoints,
 * timeouts, concurrent children, and the clear errors without a durable layer.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TaskContext } from './context.js';
import { defineNode, defineWorkflow } from './definition.js';
import { PermanentError, SuspendedError } from './errors.js';
import { executeWorkflow } from './executor.js';
import type { Checkpoint, Journal } from './journal.js';
import type { TransactionHandle, TransactionRunner, TransactionStep } from './transaction.js';
import type { WaitProvider, WaitState } from './waits.js';

/** Waits and signals in memory, on a clock the test moves (ms since the epoch). */
function memoryWaits() {
  let now = 0;
  const deadlines = new Map<string, number>();
  const signals = new Map<string, { payload: unknown; at: number }>();
  const provider: WaitProvider = {
    async wait({ nodeId, signal, timeoutMs }): Promise<WaitState> {
      const key = `${nodeId}:${signal}`;
      const deadline = deadlines.get(key) ?? now + timeoutMs;
      deadlines.set(key, deadline);
      const sent = signals.get(signal);
      if (sent && sent.at <= deadline) return { settled: true, outcome: { received: true, payload: sent.payload, receivedAt: new Date(sent.at).toISOString() } };
      if (deadline <= now) return { settled: true, outcome: { received: false } };
      return { settled: false, deadline: new Date(deadline).toISOString() };
    },
  };
  return {
    provider,
    send: (name: string, payload: unknown) => void (signals.has(name) || signals.set(name, { payload, at: now })),
    advance: (ms: number) => void (now += ms),
  };
}

/** A journal keeping checkpoints (as a durable layer would) and a line per event. */
function journal() {
  const lines: string[] = [];
  const checkpoints: Checkpoint[] = [];
  const j: Journal = {
    nodeSucceeded: (e) => {
      lines.push(`ok:${e.nodeId}:${e.kind}`);
      if (e.kind === 'process') checkpoints.push({ nodeId: e.nodeId, output: e.output, next: e.next });
    },
    nodeFailed: (e) => void lines.push(`fail:${e.nodeId}:${e.kind}`),
    nodeSuspended: (e) => void lines.push(`wait:${e.nodeId}:${e.waits.map((w) => w.signal).join('+')}`),
    runFinished: (r) => void lines.push(`end:${r.status}`),
  };
  return { j, lines, checkpoints };
}

const Event = z.object({});

function approvalWorkflow(runs: string[], options: { swallow?: boolean } = {}) {
  const book = defineNode({
    id: 'book',
    process: () => (runs.push('book'), { booked: true }),
    compensate: () => void runs.push('unbook'),
  });
  const approve = defineNode({
    id: 'approve',
    retry: { maxAttempts: 3, initialDelayMs: 1 },
    process: async (ctx: TaskContext) => {
      runs.push('approve');
      try {
        const answer = await ctx.waitFor<{ ok: boolean }>('approved', { timeoutMs: 1_000 });
        runs.push(`approve:after:${answer.received}`);
        return answer.received ? { ok: answer.payload.ok, at: answer.receivedAt } : { ok: false, at: null };
      } catch (error) {
        if (options.swallow) throw new PermanentError(`gave up: ${String(error)}`);
        throw error;
      }
    },
  });
  const finish = defineNode({ id: 'finish', process: () => (runs.push('finish'), { done: true }) });
  return defineWorkflow({
    name: 'approval',
    event: Event,
    start: 'book',
    nodes: [{ node: book, connections: ['approve'] }, { node: approve, connections: ['finish'] }, { node: finish }],
  });
}

describe('ctx.waitFor', () => {
  it('suspends the run when the signal is not there: status waiting, no retry, nothing compensated', async () => {
    const runs: string[] = [];
    const waits = memoryWaits();
    const { j, lines, checkpoints } = journal();
    const result = await executeWorkflow(approvalWorkflow(runs), { runId: 'r1', event: {}, journal: j, waits: waits.provider });
    expect(result.status).toBe('waiting');
    expect(result.waits).toEqual([{ nodeId: 'approve', signal: 'approved', deadline: new Date(1_000).toISOString() }]);
    expect(result.error).toBeUndefined();
    expect(result.path).toEqual(['book']);
    expect(runs).toEqual(['book', 'approve']);
    expect(lines).toEqual(['ok:book:process', 'wait:approve:approved', 'end:waiting']);

    // the signal arrives; the run resumes from its checkpoints and the waiting node runs again
    waits.advance(400);
    waits.send('approved', { ok: true });
    const resumed = await executeWorkflow(approvalWorkflow(runs), {
      runId: 'r1',
      event: {},
      journal: j,
      waits: waits.provider,
      resume: { completed: checkpoints },
    });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.nodes.approve).toEqual({ ok: true, at: new Date(400).toISOString() });
    expect(runs).toEqual(['book', 'approve', 'approve', 'approve:after:true', 'finish']);
  });

  it('answers received: false once the deadline has passed, and a later signal does not count', async () => {
    const runs: string[] = [];
    const waits = memoryWaits();
    const { j, checkpoints } = journal();
    expect((await executeWorkflow(approvalWorkflow(runs), { runId: 'r2', event: {}, journal: j, waits: waits.provider })).status).toBe('waiting');
    waits.advance(1_000);
    waits.send('approved', { ok: true }); // at the deadline's instant: still in time
    waits.advance(1);
    const resumed = await executeWorkflow(approvalWorkflow(runs), { runId: 'r2', event: {}, waits: waits.provider, resume: { completed: checkpoints } });
    expect(resumed.nodes.approve).toMatchObject({ ok: true });

    const late = memoryWaits();
    const second = journal();
    await executeWorkflow(approvalWorkflow([]), { runId: 'r3', event: {}, journal: second.j, waits: late.provider });
    late.advance(1_001);
    late.send('approved', { ok: true }); // after the deadline
    const timedOut = await executeWorkflow(approvalWorkflow([]), { runId: 'r3', event: {}, waits: late.provider, resume: { completed: second.checkpoints } });
    expect(timedOut.status).toBe('succeeded');
    expect(timedOut.nodes.approve).toEqual({ ok: false, at: null });
  });

  it('suspends even when the node catches the suspension and fails instead', async () => {
    const runs: string[] = [];
    const { j, lines } = journal();
    const result = await executeWorkflow(approvalWorkflow(runs, { swallow: true }), { runId: 'r4', event: {}, journal: j, waits: memoryWaits().provider });
    expect(result.status).toBe('waiting');
    expect(result.compensated).toEqual([]);
    expect(lines).not.toContain('fail:approve:process');
    expect(runs).toEqual(['book', 'approve']);
  });

  it('lets the other concurrent children finish, then suspends; the resumed run runs only the waiting child', async () => {
    const runs: string[] = [];
    const child = (id: string, waitsFor?: string) =>
      defineNode({
        id,
        process: async (ctx: TaskContext) => {
          runs.push(id);
          if (waitsFor === undefined) return { id };
          const answer = await ctx.waitFor(waitsFor, { timeoutMs: 50 });
          return { id, got: answer.received ? answer.payload : null };
        },
      });
    const wf = defineWorkflow({
      name: 'fan',
      event: Event,
      start: 'parent',
      nodes: [
        { node: defineNode({ id: 'parent', process: () => ({}) }), concurrent: { nodes: ['a', 'b', 'c', 'd'], limit: 2 } },
        { node: child('a', 'x') },
        { node: child('b') },
        { node: child('c', 'y') },
        { node: child('d') },
      ],
    });
    const waits = memoryWaits();
    const { j, checkpoints } = journal();
    const result = await executeWorkflow(wf, { runId: 'r5', event: {}, journal: j, waits: waits.provider });
    expect(result.status).toBe('waiting');
    expect(result.waits?.map((w) => `${w.nodeId}:${w.signal}`).sort()).toEqual(['a:x', 'c:y']);
    expect(Object.keys(result.nodes).sort()).toEqual(['b', 'd', 'parent']);

    waits.send('x', 'for a');
    runs.length = 0;
    const again = await executeWorkflow(wf, { runId: 'r5', event: {}, journal: j, waits: waits.provider, resume: { completed: checkpoints } });
    expect(again.status).toBe('waiting');
    expect(again.waits).toEqual([{ nodeId: 'c', signal: 'y', deadline: new Date(50).toISOString() }]);
    expect(runs.sort()).toEqual(['a', 'c']);

    waits.advance(50);
    runs.length = 0;
    const done = await executeWorkflow(wf, { runId: 'r5', event: {}, journal: j, waits: waits.provider, resume: { completed: checkpoints } });
    expect(done.status).toBe('succeeded');
    expect(runs).toEqual(['c']);
    expect(done.nodes).toMatchObject({ a: { id: 'a', got: 'for a' }, c: { id: 'c', got: null } });
  });

  it('fails for good without a durable layer, with a bad timeout, and in a compensation', async () => {
    const runs: string[] = [];
    const noLayer = await executeWorkflow(approvalWorkflow(runs), { runId: 'r6', event: {} });
    expect(noLayer.status).toBe('compensated');
    expect(noLayer.error).toMatchObject({ nodeId: 'approve', name: 'PermanentError', attempts: 1 });
    expect(noLayer.error?.message).toMatch(/needs a durable run \(ExecuteOptions\.waits\)/);

    const badTimeout = defineWorkflow({
      name: 'bad',
      event: Event,
      start: 'w',
      nodes: [{ node: defineNode({ id: 'w', process: (ctx: TaskContext) => ctx.waitFor('s', { timeoutMs: 0 }) }) }],
    });
    const bad = await executeWorkflow(badTimeout, { runId: 'r7', event: {}, waits: memoryWaits().provider });
    expect(bad.error?.message).toMatch(/timeoutMs must be an integer ≥ 1/);

    const undo = defineWorkflow({
      name: 'undo',
      event: Event,
      start: 'a',
      nodes: [
        { node: defineNode({ id: 'a', process: () => 1, compensate: (ctx) => ctx.waitFor('s', { timeoutMs: 5 }) }), connections: ['b'] },
        {
          node: defineNode({
            id: 'b',
            process: () => {
              throw new PermanentError('no');
            },
          }),
        },
      ],
    });
    const undone = await executeWorkflow(undo, { runId: 'r8', event: {}, waits: memoryWaits().provider });
    expect(undone.status).toBe('failed');
    expect(undone.compensationError?.message).toMatch(/not available in the compensation of node "a"/);
  });

  it('is a SuspendedError inside the node', async () => {
    let seen: unknown;
    const wf = defineWorkflow({
      name: 'peek',
      event: Event,
      start: 'w',
      nodes: [
        {
          node: defineNode({
            id: 'w',
            process: async (ctx: TaskContext) => {
              try {
                return await ctx.waitFor('s', { timeoutMs: 10 });
              } catch (error) {
                seen = error;
                throw error;
              }
            },
          }),
        },
      ],
    });
    expect((await executeWorkflow(wf, { runId: 'r9', event: {}, waits: memoryWaits().provider })).status).toBe('waiting');
    expect(seen).toBeInstanceOf(SuspendedError);
    expect((seen as SuspendedError).waits).toEqual([{ nodeId: 'w', signal: 's', deadline: new Date(10).toISOString() }]);
  });
});

describe('ctx.transaction', () => {
  it('numbers the calls within each attempt and tells the kind, the run and the attempt', async () => {
    const steps: TransactionStep[] = [];
    const runner: TransactionRunner = {
      run: async (step, work) => {
        steps.push(step);
        return work({} as TransactionHandle);
      },
    };
    const wf = defineWorkflow({
      name: 'tx',
      event: Event,
      start: 'a',
      nodes: [
        {
          node: defineNode({
            id: 'a',
            retry: { maxAttempts: 2, initialDelayMs: 1 },
            process: async (ctx: TaskContext) => {
              await ctx.transaction(async () => 1);
              await ctx.transaction(async () => 2);
              if (ctx.attempt === 1) throw new Error('transient');
              return { ok: true };
            },
            compensate: (ctx) => ctx.transaction(async () => 'undone'),
          }),
          connections: ['b'],
        },
        {
          node: defineNode({
            id: 'b',
            process: () => {
              throw new PermanentError('stop');
            },
          }),
        },
      ],
    });
    const result = await executeWorkflow(wf, { runId: 'r10', event: {}, transactions: runner });
    expect(result.status).toBe('compensated');
    expect(steps.map((s) => `${s.runId}:${s.nodeId}:${s.kind}:${s.seq}@${s.attempt}`)).toEqual([
      'r10:a:process:1@1',
      'r10:a:process:2@1',
      'r10:a:process:1@2',
      'r10:a:process:2@2',
      'r10:a:compensate:1@1',
    ]);
  });

  it('fails for good without a durable layer', async () => {
    const wf = defineWorkflow({
      name: 'tx-none',
      event: Event,
      start: 'a',
      nodes: [{ node: defineNode({ id: 'a', retry: { maxAttempts: 3 }, process: (ctx: TaskContext) => ctx.transaction(async () => 1) }) }],
    });
    const result = await executeWorkflow(wf, { runId: 'r11', event: {} });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ name: 'PermanentError', attempts: 1 });
    expect(result.error?.message).toMatch(/needs a durable run \(ExecuteOptions\.transactions\)/);
  });
});
