/**
 * The app on a PostgreSQL that does not answer (nothing listens on its port): requests that need the
 * database answer 503 `database_unavailable` with Retry-After instead of 500, readiness is 503 with
 * Retry-After, liveness stays 200. Runs in every suite (it brings its own unreachable database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createServices } from '../../src/runtime/services.js';
import { freePort } from '../bench/lib.js';
import { bearerFor, testConfig, testTokens } from '../helpers/app.js';

describe('while the database cannot be reached', () => {
  let db: Database;
  let app: App;

  beforeAll(async () => {
    db = await openDatabase({ kind: 'postgres', url: `postgresql://postgres@127.0.0.1:${await freePort()}/cedar`, poolSize: 2 });
    // The change feed needs a connection at start; the caches are off here, as behind a transaction pooler.
    const config = testConfig({ READ_CACHE_TTL_MS: '0' });
    app = await buildApp({ config, db, logger: false, tokens: testTokens, services: createServices(config, db) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it.each([
    ['an authenticated read', 'GET', '/api/v1/students'],
    ['an authenticated write', 'POST', '/api/v1/students'],
    ['a public read', 'GET', '/api/v1/public/pricing'],
  ] as const)('answers %s with 503 database_unavailable and Retry-After', async (_what, method, url) => {
    const headers = await bearerFor({ id: 1, role: 'admin', email: 'admin@test.example' });
    const payload = method === 'POST' ? { parentId: 1, firstName: 'A', lastName: 'B', dateOfBirth: '2015-01-01', instrument: 'piano', lessonRateCents: 5000 } : undefined;
    const response = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toEqual({
      error: { code: 'database_unavailable', message: 'The database is unavailable; retry shortly', details: { retryAfterSeconds: 2 }, requestId: expect.any(String) },
    });
  });

  it('is not ready (503, Retry-After) but alive', async () => {
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('2');
    expect(ready.json()).toMatchObject({ status: 'failing', checks: { database: { status: 'failing' } } });
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
