import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TaskContext } from './context.js';
import { defineNode, defineWorkflow } from './definition.js';
import { PermanentError } from './errors.js';
import { executeWorkflow } from './executor.js';
import type { NodeSucceededEvent } from './journal.js';

/**
 * A three-step "enrollment" over an in-memory store, with a failure forced after a named node.
 * Each step adds a record and can undo it.
 */
function enrollment(failAfter: string | null, opts: { flakyUndo?: string; brokenUndo?: string } = {}) {
  const store = new Set<string>();
  const undoAttempts: Record<string, number> = {};
  const order: string[] = [];
  const step = (id: string) =>
    defineNode({
      id,
      retry: { maxAttempts: 2, initialDelayMs: 1 },
      process: (ctx: TaskContext) => {
        store.add(id);
        if (failAfter === id) throw new PermanentError(`forced failure after ${id}`);
        return { record: id, key: ctx.idempotencyKey };
      },
      compensate: (ctx: TaskContext, output: { record: string }) => {
        undoAttempts[id] = (undoAttempts[id] ?? 0) + 1;
        if (opts.brokenUndo === id) throw new Error(`cannot undo ${id}`);
        if (opts.flakyUndo === id && ctx.attempt === 1) throw new Error(`undo of ${id} failed once`);
        order.push(`${output.record}@${ctx.idempotencyKey}`);
        store.delete(output.record);
      },
    });
  const noUndo = defineNode({ id: 'log', process: () => (store.add('log-line'), { logged: true }) });
  const workflow = defineWorkflow({
    name: 'enroll',
    event: z.unknown(),
    start: 'account',
    nodes: [
      { node: step('account'), connections: ['log'] },
      { node: noUndo, connections: ['student'] },
      { node: step('student'), connections: ['lesson'] },
      { node: step('lesson'), connections: ['invoice'] },
      { node: step('invoice') },
    ],
  });
  return { workflow, store, undoAttempts, order };
}

describe('compensation', () => {
  it('leaves nothing behind when the run succeeds without failure', async () => {
    const { workflow, store } = enrollment(null);
    const result = await executeWorkflow(workflow, { runId: 'r', event: {} });
    expect(result.status).toBe('succeeded');
    expect([...store].sort()).toEqual(['account', 'invoice', 'lesson', 'log-line', 'student']);
  });

  it('undoes finished nodes in reverse completion order after a failure forced at a named node', async () => {
    const { workflow, store, order } = enrollment('invoice');
    const result = await executeWorkflow(workflow, { runId: 'r1', event: {} });
    expect(result.status).toBe('compensated');
    expect(result.error).toMatchObject({ nodeId: 'invoice', name: 'PermanentError', permanent: true });
    expect(result.compensated).toEqual(['lesson', 'student', 'account']);
    expect(order).toEqual(['lesson@r1:lesson:compensate', 'student@r1:student:compensate', 'account@r1:account:compensate']);
    // The failing node's own partial write is its business (it has not finished); the rest is gone.
    expect([...store].sort()).toEqual(['invoice', 'log-line']);
  });

  it('retries a compensation that fails once, then succeeds', async () => {
    const { workflow, undoAttempts, order } = enrollment('lesson', { flakyUndo: 'student' });
    const steps: NodeSucceededEvent[] = [];
    const result = await executeWorkflow(workflow, { runId: 'r', event: {}, journal: { nodeSucceeded: (e) => void steps.push(e) } });
    expect(result.status).toBe('compensated');
    expect(undoAttempts).toEqual({ student: 2, account: 1 });
    expect(order.map((o) => o.split('@')[0])).toEqual(['student', 'account']);
    expect(steps.filter((s) => s.kind === 'compensate').map((s) => [s.nodeId, s.attempt])).toEqual([
      ['student', 2],
      ['account', 1],
    ]);
  });

  it('ends failed, with the compensation error, when a compensation fails for good', async () => {
    const { workflow, undoAttempts } = enrollment('lesson', { brokenUndo: 'student' });
    const result = await executeWorkflow(workflow, { runId: 'r', event: {} });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ nodeId: 'lesson', kind: 'process' });
    expect(result.compensationError).toMatchObject({ nodeId: 'student', kind: 'compensate', message: 'cannot undo student', attempts: 2 });
    expect(undoAttempts).toEqual({ student: 2 }); // account's undo is not attempted past a broken one
    expect(result.compensated).toEqual([]);
  });

  it('ends failed (not compensated) when no finished node has a compensate', async () => {
    const a = defineNode({ id: 'a', process: () => 1 });
    const b = defineNode({ id: 'b', process: () => Promise.reject(new PermanentError('no')) });
    const wf = defineWorkflow({ name: 'plain', event: z.unknown(), start: 'a', nodes: [{ node: a, connections: ['b'] }, { node: b }] });
    const result = await executeWorkflow(wf, { runId: 'r', event: {} });
    expect(result.status).toBe('failed');
    expect(result.compensated).toEqual([]);
  });
});

describe('external cancellation', () => {
  it('aborts the current node, compensates finished nodes and ends cancelled', async () => {
    const controller = new AbortController();
    const undone: string[] = [];
    let sawAbort = false;
    const first = defineNode({ id: 'first', process: () => ({ made: 1 }), compensate: () => void undone.push('first') });
    const waiting = defineNode({
      id: 'waiting',
      process: (ctx: TaskContext) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => (sawAbort = true));
          setTimeout(() => controller.abort('user cancelled'), 1);
          void resolve; // never resolves by itself
        }),
    });
    const never = defineNode({ id: 'never', process: () => 'ran' });
    const wf = defineWorkflow({
      name: 'cancel',
      event: z.unknown(),
      start: 'first',
      nodes: [{ node: first, connections: ['waiting'] }, { node: waiting, connections: ['never'] }, { node: never }],
    });
    const result = await executeWorkflow(wf, { runId: 'r', event: {}, signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(sawAbort).toBe(true);
    expect(undone).toEqual(['first']);
    expect(result.error).toMatchObject({ nodeId: 'waiting', name: 'RunCancelledError' });
    expect(result.nodes.never).toBeUndefined();
  });

  it('runs nothing when the signal has already fired', async () => {
    let ran = false;
    const a = defineNode({ id: 'a', process: () => (ran = true) });
    const wf = defineWorkflow({ name: 'pre', event: z.unknown(), start: 'a', nodes: [{ node: a }] });
    const result = await executeWorkflow(wf, { runId: 'r', event: {}, signal: AbortSignal.abort() });
    expect(result.status).toBe('cancelled');
    expect(ran).toBe(false);
    expect(result.error).toMatchObject({ nodeId: null, name: 'RunCancelledError' });
  });
});
