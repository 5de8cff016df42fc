import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TaskContext } from './context.js';
import { defineNode, defineRouter, defineWorkflow } from './definition.js';
import { executeWorkflow } from './executor.js';

const Event = z.object({ amount: z.number().int().positive(), email: z.email() });
type Event = z.infer<typeof Event>;
const event: Event = { amount: 500, email: 'a@example.com' };

describe('linear workflow', () => {
  const seen: string[] = [];
  const validate = defineNode({
    id: 'validate',
    process: (ctx: TaskContext<Event>) => {
      seen.push('validate');
      return { ok: ctx.event.amount > 0 };
    },
  });
  const charge = defineNode({
    id: 'charge',
    process: async (ctx: TaskContext<Event>) => {
      seen.push('charge');
      const v = ctx.output(validate); // typed { ok: boolean } | undefined
      return { charged: v?.ok === true ? ctx.event.amount : 0, key: ctx.idempotencyKey };
    },
  });
  const notify = defineNode({
    id: 'notify',
    process: (ctx: TaskContext<Event>) => {
      seen.push('notify');
      return { to: ctx.event.email, charged: ctx.output(charge)?.charged, meta: ctx.metadata.tenant };
    },
  });
  const wf = defineWorkflow({
    name: 'linear',
    event: Event,
    start: 'validate',
    nodes: [{ node: validate, connections: ['charge'] }, { node: charge, connections: ['notify'] }, { node: notify }],
  });

  it('runs every node in order and collects outputs by node id', async () => {
    seen.length = 0;
    const result = await executeWorkflow(wf, { runId: 'run-1', event, metadata: { tenant: 't1' } });
    expect(result.status).toBe('succeeded');
    expect(result.path).toEqual(['validate', 'charge', 'notify']);
    expect(seen).toEqual(['validate', 'charge', 'notify']);
    expect(result.nodes).toEqual({
      validate: { ok: true },
      charge: { charged: 500, key: 'run-1:charge' },
      notify: { to: 'a@example.com', charged: 500, meta: 't1' },
    });
    expect(result.error).toBeUndefined();
  });

  it('fails a run whose event does not match the schema, before any node runs', async () => {
    seen.length = 0;
    const result = await executeWorkflow(wf, { runId: 'run-2', event: { amount: -1, email: 'nope' } });
    expect(result.status).toBe('failed');
    expect(seen).toEqual([]);
    expect(result.path).toEqual([]);
    expect(result.error).toMatchObject({ nodeId: null, name: 'EventValidationError', permanent: true, attempts: 0 });
    expect(result.error?.message).toContain('amount');
    expect(result.error?.details?.length).toBe(2);
  });
});

describe('context', () => {
  it('gives each node its id, attempt, run id, idempotency key and a signal that has not fired', async () => {
    const captured: Record<string, unknown>[] = [];
    const probe = (id: string) =>
      defineNode({
        id,
        process: (ctx: TaskContext) => {
          captured.push({ runId: ctx.runId, nodeId: ctx.nodeId, attempt: ctx.attempt, key: ctx.idempotencyKey, aborted: ctx.signal.aborted });
          return null;
        },
      });
    const wf = defineWorkflow({ name: 'ctx', event: z.unknown(), start: 'a', nodes: [{ node: probe('a'), connections: ['b'] }, { node: probe('b') }] });
    await executeWorkflow(wf, { runId: 'r-9', event: 1 });
    expect(captured).toEqual([
      { runId: 'r-9', nodeId: 'a', attempt: 1, key: 'r-9:a', aborted: false },
      { runId: 'r-9', nodeId: 'b', attempt: 1, key: 'r-9:b', aborted: false },
    ]);
  });

  it('validates outputs with the node schema and fails permanently on a mismatch', async () => {
    let calls = 0;
    const bad = defineNode({
      id: 'bad',
      output: z.object({ count: z.number() }),
      retry: { maxAttempts: 3, initialDelayMs: 0 },
      process: () => {
        calls++;
        return { count: 'three' } as unknown as { count: number };
      },
    });
    const wf = defineWorkflow({ name: 'out', event: z.unknown(), start: 'bad', nodes: [{ node: bad }] });
    const result = await executeWorkflow(wf, { runId: 'r', event: null });
    expect(result.status).toBe('failed');
    expect(calls).toBe(1);
    expect(result.error).toMatchObject({ nodeId: 'bad', name: 'OutputValidationError', permanent: true });
  });
});

describe('routing', () => {
  const Ev = z.object({ kind: z.enum(['new', 'returning', 'weird']) });
  type Ev = z.infer<typeof Ev>;
  const ran: string[] = [];
  const leaf = (id: string) => defineNode({ id, process: () => (ran.push(id), { id }) });
  const router = defineRouter({
    id: 'route',
    route: async (ctx: TaskContext<Ev>) => (ctx.event.kind === 'new' ? 'welcome' : ctx.event.kind === 'returning' ? 'renew' : 'elsewhere'),
  });
  const wf = defineWorkflow({
    name: 'routing',
    event: Ev,
    start: 'intake',
    nodes: [
      { node: leaf('intake'), connections: ['route'] },
      { node: router, connections: ['welcome', 'renew'] },
      { node: leaf('welcome'), connections: ['done'] },
      { node: leaf('renew'), connections: ['done'] },
      { node: leaf('done') },
    ],
  });

  it('follows the branch the router picks (first branch)', async () => {
    ran.length = 0;
    const result = await executeWorkflow(wf, { runId: 'r1', event: { kind: 'new' } });
    expect(result.status).toBe('succeeded');
    expect(result.path).toEqual(['intake', 'route', 'welcome', 'done']);
    expect(ran).toEqual(['intake', 'welcome', 'done']);
    expect(result.nodes.route).toBeUndefined();
  });

  it('follows the branch the router picks (second branch)', async () => {
    ran.length = 0;
    const result = await executeWorkflow(wf, { runId: 'r2', event: { kind: 'returning' } });
    expect(result.path).toEqual(['intake', 'route', 'renew', 'done']);
    expect(ran).toEqual(['intake', 'renew', 'done']);
  });

  it('fails permanently when the router returns a node it is not connected to', async () => {
    ran.length = 0;
    const result = await executeWorkflow(wf, { runId: 'r3', event: { kind: 'weird' } });
    expect(result.status).toBe('failed');
    expect(ran).toEqual(['intake']);
    expect(result.error).toMatchObject({ nodeId: 'route', name: 'RouterTargetError', permanent: true, attempts: 1 });
    expect(result.error?.message).toContain('"elsewhere"');
  });
});

describe('stop', () => {
  it('ends the run with status stopped after the current node; later nodes do not run', async () => {
    const ran: string[] = [];
    const gate = defineNode({
      id: 'gate',
      process: (ctx: TaskContext) => {
        ran.push('gate');
        ctx.stop('student is too young');
        return { checked: true, shouldStop: ctx.shouldStop };
      },
    });
    const after = defineNode({ id: 'after', process: () => (ran.push('after'), 1) });
    const wf = defineWorkflow({ name: 'stop', event: z.unknown(), start: 'gate', nodes: [{ node: gate, connections: ['after'] }, { node: after }] });
    const result = await executeWorkflow(wf, { runId: 'r', event: {} });
    expect(result.status).toBe('stopped');
    expect(result.stopReason).toBe('student is too young');
    expect(ran).toEqual(['gate']);
    expect(result.nodes.gate).toEqual({ checked: true, shouldStop: true });
    expect(result.path).toEqual(['gate']);
  });
});
