import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../../src/modules/auth/tokens.js';
import { createTestApp, createUser, testTokens, type TestApp } from '../helpers/app.js';
import { bearer, login, strongPassword, userWithPassword, type TestUser } from './fixtures.js';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Every attack must end in this answer. */
async function expectRefused(t: TestApp, token: string, url = '/api/v1/auth/me'): Promise<void> {
  const res = await t.app.inject({ method: 'GET', url, headers: bearer(token) });
  expect(res.statusCode).toBe(401);
  expect(res.json().error).toMatchObject({ code: 'unauthenticated', message: 'The access token is invalid or expired' });
}

describe('token attacks are refused with 401', () => {
  let t: TestApp;
  let admin: TestUser;
  let parent: TestUser;
  let parentPassword: string;
  let validParentToken: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '1000' } });
    admin = await createUser(t.database.db, 'admin');
    parentPassword = strongPassword();
    parent = await userWithPassword(t.database.db, 'parent', parentPassword);
    validParentToken = (await login(t.app, parent.email, parentPassword)).accessToken;
  });
  afterAll(async () => t.close());

  const claimsFor = (user: TestUser, extra: Record<string, unknown> = {}) => ({
    sub: String(user.id),
    role: 'authenticated',
    aud: 'authenticated',
    iss: 'cedar-heights',
    email: user.email,
    app_role: user.role,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 600,
    ...extra,
  });

  it('the control: a real token of ours is accepted', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(validParentToken) });
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(parent.id);
  });

  it('alg: none', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64(claimsFor(admin))}.`;
      await expectRefused(t, unsigned);
    }
  });

  it('a token signed with a wrong key', async () => {
    const forger = new AccessTokens('attacker-secret-attacker-secret-0123456789');
    await expectRefused(t, await forger.sign({ userId: admin.id, role: 'admin', email: admin.email }));
  });

  it('an expired token', async () => {
    const key = new TextEncoder().encode('test-secret-test-secret-test-secret-0123456789');
    const expired = await new SignJWT(claimsFor(parent, { iat: Math.floor(Date.now() / 1000) - 1000, exp: Math.floor(Date.now() / 1000) - 60 }))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(key);
    // The same claims with a future expiry are accepted, so only the expiry differs.
    const fresh = await new SignJWT(claimsFor(parent)).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(fresh) })).statusCode).toBe(200);
    await expectRefused(t, expired);
  });

  it('a tampered payload (role and subject changed to the admin, original signature kept)', async () => {
    const [header, payload, signature] = validParentToken.split('.');
    const claims = decodeJwt(validParentToken);
    await expectRefused(t, `${header}.${b64({ ...claims, app_role: 'admin' })}.${signature}`, '/api/v1/users');
    await expectRefused(t, `${header}.${b64({ ...claims, sub: String(admin.id), app_role: 'admin' })}.${signature}`, '/api/v1/users');
    await expectRefused(t, `${header}.${payload}.${signature!.slice(0, -4)}AAAA`);
  });

  it('wrong audience or issuer, even when correctly signed', async () => {
    const key = new TextEncoder().encode('test-secret-test-secret-test-secret-0123456789');
    for (const extra of [{ aud: 'service_role' }, { iss: 'someone-else' }]) {
      const token = await new SignJWT(claimsFor(parent, extra)).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
      await expectRefused(t, token);
    }
  });

  it('a validly signed token claiming admin does not make a parent an admin: the role comes from the database', async () => {
    const lying = await testTokens.sign({ userId: parent.id, role: 'admin', email: parent.email });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(lying) });
    expect(res.statusCode).toBe(403);
  });

  it('a refresh token replayed after rotation is refused and kills its successors', async () => {
    const session = await login(t.app, parent.email, parentPassword);
    const refresh = (refreshToken: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
    const second = (await refresh(session.refreshToken)).json();
    const third = (await refresh(second.refreshToken)).json();
    expect(third.refreshToken).toEqual(expect.any(String));

    const replay = await refresh(session.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('unauthenticated');
    expect((await refresh(third.refreshToken)).statusCode).toBe(401);
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
  });

  it('the tokens of a deactivated user: access and refresh both refused at once', async () => {
    const password = strongPassword();
    const victim = await userWithPassword(t.database.db, 'teacher', password);
    const session = await login(t.app, victim.email, password);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.accessToken) })).statusCode).toBe(200);

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/${victim.id}`, headers: admin.headers });
    expect(deleted.statusCode).toBe(204);

    await expectRefused(t, session.accessToken);
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } });
    expect(refreshed.statusCode).toBe(401);
    const relogin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: victim.email, password } });
    expect(relogin.statusCode).toBe(401);

    // Reactivation does not bring the old sessions back.
    const reactivated = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${victim.id}`, headers: admin.headers, payload: { isActive: true } });
    expect(reactivated.statusCode).toBe(200);
    await expectRefused(t, session.accessToken);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } })).statusCode).toBe(401);
    expect((await login(t.app, victim.email, password)).accessToken).toEqual(expect.any(String));
  });

  it('a token issued before a password change, even within the same second', async () => {
    const password = strongPassword();
    const user = await userWithPassword(t.database.db, 'parent', password);
    const before = await login(t.app, user.email, password);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: bearer(before.accessToken),
      payload: { currentPassword: password, newPassword: strongPassword() },
    });
    expect(changed.statusCode).toBe(200);
    await expectRefused(t, before.accessToken);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(changed.json().accessToken) })).statusCode).toBe(200);
  });

  it('malformed Authorization headers', async () => {
    for (const authorization of ['Bearer', 'Bearer ', `Basic ${validParentToken}`, validParentToken, 'Bearer not.a.jwt', `Bearer ${'x'.repeat(5000)}`]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization } });
      expect(res.statusCode).toBe(401);
    }
  });
});
