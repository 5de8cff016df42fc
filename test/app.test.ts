import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createMetrics } from '../src/modules/metrics/registry.js';

describe('HTTP skeleton', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { CORS_ORIGINS: 'https://school.example,https://admin.example' },
      beforeReady: (app) => {
        // A probe route standing in for any JSON endpoint: the body rules are global.
        app.post('/probe', { config: { access: 'public' }, schema: { body: z.object({ name: z.string().min(1), age: z.number().int().min(5) }) } }, async (request) => ({
          received: request.body,
        }));
        app.get('/boom', { config: { access: 'public' } }, async () => {
          throw new Error('secret SQL detail: SELECT * FROM users');
        });
      },
    });
  });
  afterAll(async () => t.close());

  it('answers liveness', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('answers readiness with the database check', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
  });

  it('reports a failing dependency as 503', async () => {
    const failing = await createTestApp({
      deps: { healthChecks: [{ name: 'queue', check: () => Promise.reject(new Error('queue is down')) }] },
    });
    try {
      const res = await failing.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'failing', checks: { database: { status: 'ok' }, queue: { status: 'failing', error: 'queue is down' } } });
    } finally {
      await failing.close();
    }
  });

  it('serves the OpenAPI document and the docs UI', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    const doc = spec.json();
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(doc.paths['/health/ready']).toBeDefined();
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes with the error model', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1', headers: { 'x-request-id': 'trace-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'Route GET /api/v1/nothing-here not found', requestId: 'trace-123' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
  });

  it('answers malformed JSON with 400 bad_request', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/probe', headers: { 'content-type': 'application/json' }, payload: '{"name": "Ada",' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/Malformed JSON/);
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
  });

  it('names each invalid field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/probe', payload: { name: '', age: 3 } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    const fields = body.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['body.age', 'body.name']);
    expect(body.error.message).toContain('body.age');
  });

  it('hides internal errors behind a 500 without details', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toMatchObject({ code: 'internal', message: 'Internal server error' });
    expect(res.body).not.toContain('SELECT');
  });

  it('sends security headers and a request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
  });

  it('allows configured CORS origins only', async () => {
    const allowed = await t.app.inject({
      method: 'OPTIONS',
      url: '/health',
      headers: { origin: 'https://school.example', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://school.example');
    const refused = await t.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example' } });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes Prometheus metrics', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('http_requests_total');
  });

  it('serves the process metrics only when given a registry that collects them (serve passes one)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain('process_cpu_user_seconds_total');
    const withProcess = await createTestApp({ deps: { metrics: createMetrics() } });
    try {
      expect((await withProcess.app.inject({ method: 'GET', url: '/metrics' })).body).toContain('process_cpu_user_seconds_total');
    } finally {
      await withProcess.close();
    }
  });

  it('refuses to register a route that does not declare who may call it', async () => {
    let thrown: unknown;
    const extra = await createTestApp({
      beforeReady: (app) => {
        try {
          app.get('/undeclared', async () => 'x');
        } catch (error) {
          thrown = error;
        }
      },
    });
    await extra.close();
    expect(String(thrown)).toMatch(/GET \/undeclared declares no access/);
  });
});
