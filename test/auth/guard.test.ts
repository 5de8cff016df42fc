import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';

describe('the guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://portal.example' } });
  });
  afterAll(async () => t.close());

  it('answers 401 before looking at the body, with the security, CORS and request-id headers', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { origin: 'https://portal.example', 'x-request-id': 'trace-401' },
      payload: { email: 'not-an-email' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({ code: 'unauthenticated', message: 'A bearer access token is required', requestId: 'trace-401' });
    expect(res.headers['x-request-id']).toBe('trace-401');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBe('https://portal.example');
  });

  it('answers 403 for a role not listed, before validating the body, with the same headers', async () => {
    const parent = await createUser(t.database.db, 'parent');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: { ...parent.headers, origin: 'https://portal.example' }, payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'forbidden', message: 'This needs the role admin' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['access-control-allow-origin']).toBe('https://portal.example');
  });
});
