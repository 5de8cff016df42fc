import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode, defineRouter, defineWorkflow, PermanentError, WorkflowRegistry, type WorkflowEngine } from '../src/engine/index.js';
import { createTestApp, createUser, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/db.js';
import { createTestEngine } from './helpers/engine.js';

interface Greeting {
  name: string;
  loud: boolean;
}

const greeting = defineWorkflow({
  name: 'greeting',
  description: 'Says hello, loudly or quietly',
  event: z.object({ name: z.string().min(1), loud: z.boolean().default(false) }),
  start: 'compose',
  nodes: [
    { node: defineNode<Greeting>({ id: 'compose', process: (ctx) => ({ text: `hello ${ctx.event.name}` }) }), connections: ['volume'] },
    { node: defineRouter<Greeting>({ id: 'volume', route: (ctx) => (ctx.event.loud ? 'shout' : 'whisper') }), connections: ['shout', 'whisper'] },
    { node: defineNode({ id: 'shout', process: (ctx) => ({ text: String((ctx.nodes.compose as { text: string }).text).toUpperCase() }) }) },
    { node: defineNode({ id: 'whisper', process: () => ({ text: '…' }) }) },
  ],
});

const failing = defineWorkflow({
  name: 'always-fails',
  description: 'Fails at its second node',
  event: z.object({}),
  start: 'first',
  nodes: [
    { node: defineNode({ id: 'first', process: () => ({ ok: true }) }), connections: ['second'] },
    {
      node: defineNode({
        id: 'second',
        process: () => {
          throw new PermanentError('card declined');
        },
      }),
    },
  ],
});

const awaitsApproval = defineWorkflow({
  name: 'awaits-approval',
  description: 'Waits up to an hour for the signal "approved"',
  event: z.object({}),
  start: 'ask',
  nodes: [
    {
      node: defineNode({ id: 'ask', process: async (ctx) => ({ answer: await ctx.waitFor('approved', { timeoutMs: 3_600_000 }) }) }),
      connections: ['done'],
    },
    { node: defineNode({ id: 'done', process: () => ({ ok: true }) }) },
  ],
});

describe('workflows API', () => {
  let database: TestDatabase;
  let engine: WorkflowEngine;
  let t: TestApp;
  let admin: { authorization: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    const registry = new WorkflowRegistry();
    registry.register(greeting);
    registry.register(failing);
    registry.register(awaitsApproval);
    engine = await createTestEngine(database, registry, process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {});
    await engine.startWorker({ concurrency: 2 });
    t = await createTestApp({ deps: { engine, db: database.db } });
    admin = (await createUser(database.db, 'admin')).headers;
  });
  afterAll(async () => {
    await t.close();
    await engine.stop();
    await database.dispose();
  });

  const waitForFinal = async (runId: string): Promise<Record<string, unknown>> => (await engine.waitFor(runId, 10_000)) as unknown as Record<string, unknown>;

  it('lists the registry and draws each graph', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/workflows', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((w: { name: string }) => w.name)).toEqual(['always-fails', 'awaits-approval', 'greeting']);
    const graph = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/greeting/graph', headers: admin });
    expect(graph.statusCode).toBe(200);
    expect(graph.json().graph).toMatch(/^flowchart TD/);
    expect(graph.json().graph).toContain('shout');
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/nope/graph', headers: admin });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
  });

  it('starts a run (202 + status URL) and reports its per-node results', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/greeting/runs', headers: admin, payload: { event: { name: 'Ada', loud: true } } });
    expect(res.statusCode).toBe(202);
    const { runId, statusUrl, created } = res.json();
    expect(created).toBe(true);
    expect(res.headers.location).toBe(statusUrl);
    await waitForFinal(runId);
    const status = await t.app.inject({ method: 'GET', url: statusUrl, headers: admin });
    expect(status.statusCode).toBe(200);
    const body = status.json();
    expect(body).toMatchObject({ id: runId, workflow: 'greeting', status: 'succeeded', progress: { percent: 100 } });
    const nodes = Object.fromEntries(body.nodes.map((n: { nodeId: string }) => [n.nodeId, n]));
    expect(nodes.shout).toMatchObject({ status: 'succeeded', attempts: 1, output: { text: 'HELLO ADA' } });
    expect(nodes.volume).toMatchObject({ status: 'succeeded', next: 'shout' });
    expect(nodes.whisper).toBeUndefined();
    expect(typeof nodes.compose.durationMs).toBe('number');
  });

  it('returns the same run for the same idempotency key', async () => {
    const payload = { event: { name: 'Bo' }, idempotencyKey: 'greeting-bo-1' };
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/greeting/runs', headers: admin, payload });
    const second = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/greeting/runs', headers: admin, payload });
    expect(second.json().runId).toBe(first.json().runId);
    expect(second.json().created).toBe(false);
  });

  it('refuses a bad event with the field named, and stores nothing', async () => {
    const before = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/runs?workflow=greeting', headers: admin });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/greeting/runs', headers: admin, payload: { event: { name: '' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.details).toEqual([expect.objectContaining({ field: 'body.event.name' })]);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/runs?workflow=greeting', headers: admin });
    expect(after.json().total).toBe(before.json().total);
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/nope/runs', headers: admin, payload: { event: {} } });
    expect(unknown.statusCode).toBe(404);
    const noBody = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/greeting/runs', headers: { ...admin, 'content-type': 'application/json' }, payload: '{' });
    expect(noBody.statusCode).toBe(400);
  });

  it('lists runs with filters and pagination', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/runs?workflow=greeting&pageSize=1', headers: admin });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.pageSize).toBe(1);
    expect(body.data).toHaveLength(1);
    expect(body.total).toBeGreaterThanOrEqual(2);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/runs?status=sleeping', headers: admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('querystring.status');
    const badPage = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/runs?pageSize=500', headers: admin });
    expect(badPage.statusCode).toBe(400);
  });

  it('retries only failed runs, and refuses to cancel finished ones', async () => {
    const started = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/always-fails/runs', headers: admin, payload: { event: {} } });
    const runId = started.json().runId;
    await waitForFinal(runId);
    const status = await t.app.inject({ method: 'GET', url: `/api/v1/workflows/runs/${runId}`, headers: admin });
    expect(status.json()).toMatchObject({ status: 'failed', error: { nodeId: 'second', message: 'card declined' } });
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/workflows/runs/${runId}/cancel`, headers: admin });
    expect(cancel.statusCode).toBe(409);
    const retry = await t.app.inject({ method: 'POST', url: `/api/v1/workflows/runs/${runId}/retry`, headers: admin });
    expect(retry.statusCode).toBe(202);
    await waitForFinal(runId);
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/workflows/runs/${runId}`, headers: admin });
    const first = after.json().nodes.find((n: { nodeId: string }) => n.nodeId === 'first');
    expect(first.attempts).toBe(1); // resumed at the failed node, not from the start
    expect(after.json().attempts.filter((a: { nodeId: string }) => a.nodeId === 'second')).toHaveLength(2);

    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/greeting/runs', headers: admin, payload: { event: { name: 'Cy' } } });
    await waitForFinal(ok.json().runId);
    const retryOk = await t.app.inject({ method: 'POST', url: `/api/v1/workflows/runs/${ok.json().runId}/retry`, headers: admin });
    expect(retryOk.statusCode).toBe(409);
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/runs/00000000-0000-4000-8000-000000000000/retry', headers: admin });
    expect(missing.statusCode).toBe(404);
    const badId = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/runs/not-a-uuid', headers: admin });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.details[0].field).toBe('params.id');
  });

  it('shows a waiting run with what it waits for and until when, and cancels it', async () => {
    const started = await t.app.inject({ method: 'POST', url: '/api/v1/workflows/awaits-approval/runs', headers: admin, payload: { event: {} } });
    const { runId, statusUrl } = started.json();
    const settled = await engine.waitFor(runId, 10_000);
    expect(settled.status).toBe('waiting');
    const status = await t.app.inject({ method: 'GET', url: statusUrl, headers: admin });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ status: 'waiting', currentNode: 'ask', waitingFor: ['approved'], waitingUntil: settled.waitingUntil, finishedAt: null });
    expect(status.json().nodes).toEqual([expect.objectContaining({ nodeId: 'ask', status: 'waiting', output: null, error: null })]);
    expect(status.json().attempts).toEqual([expect.objectContaining({ nodeId: 'ask', status: 'waiting' })]);
    const waiting = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/runs?status=waiting', headers: admin });
    expect(waiting.statusCode).toBe(200);
    expect(waiting.json().data).toEqual([expect.objectContaining({ id: runId, status: 'waiting', waitingFor: ['approved'] })]);
    const others = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/runs?status=succeeded', headers: admin });
    expect(others.json().data.every((r: { waitingFor: unknown; waitingUntil: unknown }) => r.waitingFor === null && r.waitingUntil === null)).toBe(true);
    const graph = await t.app.inject({ method: 'GET', url: '/api/v1/workflows/awaits-approval/graph', headers: admin });
    expect(graph.statusCode).toBe(200);

    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/workflows/runs/${runId}/cancel`, headers: admin });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json()).toMatchObject({ status: 'queued', waitingFor: null, waitingUntil: null });
    expect((await engine.waitFor(runId, 10_000)).status).toBe('cancelled');
    const after = await t.app.inject({ method: 'GET', url: statusUrl, headers: admin });
    expect(after.json()).toMatchObject({ status: 'cancelled', error: { name: 'RunCancelledError' } });
    expect(after.json().nodes).toEqual([expect.objectContaining({ nodeId: 'ask', status: 'cancelled' })]);
  });

  it('is for admins only', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/workflows' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthenticated');
    for (const role of ['parent', 'teacher'] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/workflows/greeting/runs',
        headers: (await createUser(database.db, role)).headers,
        payload: { event: { name: 'x' } },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    const forged = await t.app.inject({ method: 'GET', url: '/api/v1/workflows', headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(forged.statusCode).toBe(401);
  });
});
