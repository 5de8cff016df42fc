import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '3', RATE_LIMIT_MAX: '5' } });
  });
  afterAll(async () => t.close());

  it('the 4th sign-in within a minute answers 429 rate_limited with Retry-After', async () => {
    const attempt = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '198.51.100.7', payload: { email: 'someone@test.example', password: 'whatever-password' } });
    for (let i = 0; i < 3; i += 1) expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // Another client address has its own budget.
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '198.51.100.8',
      payload: { email: 'someone@test.example', password: 'whatever-password' },
    });
    expect(other.statusCode).toBe(401);
  });

  it('the stricter limit covers password reset too', async () => {
    const attempt = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', remoteAddress: '198.51.100.9', payload: { email: 'someone@test.example' } });
    for (let i = 0; i < 3; i += 1) expect((await attempt()).statusCode).toBe(202);
    expect((await attempt()).statusCode).toBe(429);
  });

  it('the global limit (RATE_LIMIT_MAX) applies to every other route', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await t.app.inject({ method: 'GET', url: '/health', remoteAddress: '203.0.113.5' })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', remoteAddress: '203.0.113.5' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('a forged X-Forwarded-For does not buy a fresh budget (TRUST_PROXY_HOPS=0)', async () => {
    const attempt = (i: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '198.51.100.20',
        headers: { 'x-forwarded-for': `10.0.0.${i}` },
        payload: { email: 'someone@test.example', password: 'whatever-password' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await attempt(i)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
