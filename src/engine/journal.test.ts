import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TaskContext } from './context.js';
import { defineNode, defineRouter, defineWorkflow } from './definition.js';
import { executeWorkflow } from './executor.js';
import type { Checkpoint, Journal } from './journal.js';

/** A journal that records a compact line per call and keeps checkpoints as a durable layer would. */
function recordingJournal(failOn?: { nodeId: string }) {
  const lines: string[] = [];
  const checkpoints: Checkpoint[] = [];
  const journal: Journal = {
    runStarted: async (e) => void lines.push(`run:${e.workflow}:${e.restored}`),
    nodeStarted: (e) => void lines.push(`start:${e.nodeId}#${e.attempt}:${e.kind}`),
    nodeSucceeded: async (e) => {
      if (failOn?.nodeId === e.nodeId) throw new Error('database went away');
      lines.push(`ok:${e.nodeId}#${e.attempt}:${e.kind}->${e.next ?? '∅'}`);
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
      if (e.kind === 'process') {
        checkpoints.push({ nodeId: e.nodeId, output: e.output, next: e.next, ...(e.stopReason ? { stopReason: e.stopReason } : {}) });
      }
    },
    nodeFailed: (e) => void lines.push(`fail:${e.nodeId}#${e.attempt}:retry=${e.willRetry}`),
    runFinished: (r) => void lines.push(`done:${r.status}`),
  };
  return { journal, lines, checkpoints };
}

function counting() {
  const calls: Record<string, number> = {};
  const node = (id: string, fn?: (ctx: TaskContext) => unknown) =>
    defineNode({
      id,
      retry: { maxAttempts: 2, initialDelayMs: 1 },
      process: (ctx: TaskContext) => {
        calls[id] = (calls[id] ?? 0) + 1;
        return fn ? fn(ctx) : { from: id, prev: Object.keys(ctx.nodes) };
      },
    });
  return { calls, node };
}

describe('journal', () => {
  it('receives runs, attempts, checkpoints with the router decision, retries and the result in order', async () => {
    const { node } = counting();
    const router = defineRouter({ id: 'route', route: () => 'b' });
    const b = node('b', (ctx) => {
      if (ctx.attempt === 1) throw new Error('flaky');
      return 'B';
    });
    const wf = defineWorkflow({
      name: 'journaled',
      event: z.unknown(),
      start: 'a',
      nodes: [{ node: node('a'), connections: ['route'] }, { node: router, connections: ['b', 'c'] }, { node: b }, { node: node('c') }],
    });
    const { journal, lines } = recordingJournal();
    const result = await executeWorkflow(wf, { runId: 'r', event: {}, journal });
    expect(result.status).toBe('succeeded');
    expect(lines).toEqual([
      'run:journaled:0',
      'start:a#1:process',
      'ok:a#1:process->route',
      'start:route#1:process',
      'ok:route#1:process->b',
      'start:b#1:process',
      'fail:b#1:retry=true',
      'start:b#2:process',
      'ok:b#2:process->∅',
      'done:succeeded',
    ]);
  });

  it('makes executeWorkflow reject when the journal fails, without compensating', async () => {
    const undone: string[] = [];
    const a = defineNode({ id: 'a', process: () => 1, compensate: () => void undone.push('a') });
    const b = defineNode({ id: 'b', process: () => 2 });
    const wf = defineWorkflow({ name: 'jf', event: z.unknown(), start: 'a', nodes: [{ node: a, connections: ['b'] }, { node: b }] });
    const { journal } = recordingJournal({ nodeId: 'b' });
    await expect(executeWorkflow(wf, { runId: 'r', event: {}, journal })).rejects.toThrow('database went away');
    expect(undone).toEqual([]);
  });
});

describe('resume', () => {
  function linear(failC: { fail: boolean }) {
    const { calls, node } = counting();
    const c = node('c', (ctx) => {
      if (failC.fail) throw new Error('c is down');
      return { sawB: ctx.nodes.b };
    });
    const wf = defineWorkflow({
      name: 'resumable',
      event: z.unknown(),
      start: 'a',
      nodes: [{ node: node('a'), connections: ['b'] }, { node: node('b'), connections: ['c'] }, { node: c, connections: ['d'] }, { node: node('d') }],
    });
    return { wf, calls };
  }

  it('continues after the last checkpoint of a crashed attempt without re-running finished nodes', async () => {
    const { wf, calls } = linear({ fail: false });
    // First attempt: the worker "dies" while checkpointing c (the journal throws).
    const first = recordingJournal({ nodeId: 'c' });
    await expect(executeWorkflow(wf, { runId: 'run-7', event: {}, journal: first.journal })).rejects.toThrow();
    expect(first.checkpoints.map((c) => c.nodeId)).toEqual(['a', 'b']);
    expect(calls).toEqual({ a: 1, b: 1, c: 1 });

    const second = recordingJournal();
    const result = await executeWorkflow(wf, {
      runId: 'run-7',
      event: {},
      journal: second.journal,
      resume: { completed: first.checkpoints },
    });
    expect(result.status).toBe('succeeded');
    expect(calls).toEqual({ a: 1, b: 1, c: 2, d: 1 });
    expect(result.path).toEqual(['a', 'b', 'c', 'd']);
    expect(result.nodes.c).toEqual({ sawB: { from: 'b', prev: ['a'] } });
    expect(second.lines[0]).toBe('run:resumable:2');
    expect(second.lines.filter((l) => l.startsWith('start:'))).toEqual(['start:c#1:process', 'start:d#1:process']);
  });

  it('retries a failed run from its failed node', async () => {
    const failC = { fail: true };
    const { wf, calls } = linear(failC);
    const first = recordingJournal();
    const failed = await executeWorkflow(wf, { runId: 'r', event: {}, journal: first.journal });
    expect(failed.status).toBe('failed');
    expect(calls).toEqual({ a: 1, b: 1, c: 2 });

    failC.fail = false; // the outage is over
    const retried = await executeWorkflow(wf, { runId: 'r', event: {}, resume: { completed: first.checkpoints } });
    expect(retried.status).toBe('succeeded');
    expect(calls).toEqual({ a: 1, b: 1, c: 3, d: 1 });
  });

  it('follows a router decision from its checkpoint without calling route again', async () => {
    const { calls, node } = counting();
    let routed = 0;
    const router = defineRouter({ id: 'route', route: () => (routed++, 'left') });
    const wf = defineWorkflow({
      name: 'routed',
      event: z.unknown(),
      start: 'a',
      nodes: [{ node: node('a'), connections: ['route'] }, { node: router, connections: ['left', 'right'] }, { node: node('left') }, { node: node('right') }],
    });
    const result = await executeWorkflow(wf, {
      runId: 'r',
      event: {},
      resume: {
        completed: [
          { nodeId: 'a', output: { from: 'a' }, next: 'route' },
          { nodeId: 'route', output: undefined, next: 'right' },
        ],
      },
    });
    expect(result.path).toEqual(['a', 'route', 'right']);
    expect(routed).toBe(0);
    expect(calls).toEqual({ right: 1 });
  });

  it('re-runs only the concurrent children without a checkpoint', async () => {
    const { calls, node } = counting();
    const wf = defineWorkflow({
      name: 'fan',
      event: z.unknown(),
      start: 'p',
      nodes: [
        { node: node('p'), connections: ['end'], concurrent: { nodes: ['k1', 'k2', 'k3'] } },
        { node: node('k1') },
        { node: node('k2') },
        { node: node('k3') },
        { node: node('end') },
      ],
    });
    const result = await executeWorkflow(wf, {
      runId: 'r',
      event: {},
      resume: {
        completed: [
          { nodeId: 'p', output: 'P', next: 'end' },
          { nodeId: 'k2', output: 'K2', next: null },
        ],
      },
    });
    expect(result.status).toBe('succeeded');
    expect(calls).toEqual({ k1: 1, k3: 1, end: 1 });
    expect(result.nodes.k2).toBe('K2');
    expect(result.path).toEqual(['p', 'k2', 'k1', 'k3', 'end']);
  });

  it('ends stopped when a checkpoint recorded a stop', async () => {
    const { calls, node } = counting();
    const wf = defineWorkflow({ name: 's', event: z.unknown(), start: 'a', nodes: [{ node: node('a'), connections: ['b'] }, { node: node('b') }] });
    const result = await executeWorkflow(wf, { runId: 'r', event: {}, resume: { completed: [{ nodeId: 'a', output: 1, next: null, stopReason: 'enough' }] } });
    expect(result).toMatchObject({ status: 'stopped', stopReason: 'enough' });
    expect(calls).toEqual({});
  });

  it('fails, running nothing, on checkpoints that do not fit the workflow', async () => {
    const { wf, calls } = linear({ fail: false });
    const result = await executeWorkflow(wf, { runId: 'r', event: {}, resume: { completed: [{ nodeId: 'a', output: 1, next: 'd' }] } });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ nodeId: 'a', name: 'ResumeStateError' });
    expect(calls).toEqual({});
  });
});
