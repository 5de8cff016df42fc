import type { FastifyServerOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash, type Algorithm } from '@node-rs/argon2';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';
import { bearer, captureLogs, lastEmailTo, login, strongPassword, tokenFromEmail, userWithPassword, type TestUser } from './fixtures.js';

describe('auth flows', () => {
  let t: TestApp;
  const logs = captureLogs();
  /** Every password and token used here: none of them may reach the logs. */
  const secrets: string[] = [];
  const remember = <T extends string>(secret: T): T => {
    secrets.push(secret);
    return secret;
  };

  let parent: TestUser;
  let parentPassword: string;
  let teacher: TestUser;
  let teacherPassword: string;
  let childId: number;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '1000' }, deps: { logger: logs.logger as FastifyServerOptions['logger'] } });
    parentPassword = remember(strongPassword());
    teacherPassword = remember(strongPassword());
    parent = await userWithPassword(t.database.db, 'parent', parentPassword);
    teacher = await userWithPassword(t.database.db, 'teacher', teacherPassword);
    const [child] = await t.database.db.sql.query<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, 'Ada', 'Child', '2014-01-02', 'violin', 4500) RETURNING id`,
      [parent.id, teacher.teacherId],
    );
    childId = child!.id;
  });
  afterAll(async () => t.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url, payload: payload as object, headers });
  const me = (accessToken: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(accessToken) });
  const refresh = (refreshToken: string) => post('/api/v1/auth/refresh', { refreshToken });

  describe('login', () => {
    it('signs a parent in with a profile listing the children', async () => {
      const res = await post('/api/v1/auth/login', { email: parent.email.toUpperCase(), password: parentPassword });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      remember(body.accessToken);
      remember(body.refreshToken);
      expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(body.accessToken.split('.')).toHaveLength(3);
      expect(body.refreshToken.length).toBeGreaterThanOrEqual(40);
      expect(body.user).toEqual({
        id: parent.id,
        email: parent.email,
        firstName: 'parent',
        lastName: 'Tester',
        phone: null,
        role: 'parent',
        teacherId: null,
        children: [{ id: childId, firstName: 'Ada', lastName: 'Child', instrument: 'violin', teacherId: teacher.teacherId }],
      });
      expect(JSON.stringify(body)).not.toContain('password');
    });

    it('signs a teacher in with a profile carrying the teacherId', async () => {
      const body = await login(t.app, teacher.email, teacherPassword);
      remember(body.accessToken);
      remember(body.refreshToken);
      expect(body.user).toMatchObject({ id: teacher.id, role: 'teacher', teacherId: teacher.teacherId, children: [] });
    });

    it('answers every failed sign-in with the same 401: wrong password, unknown e-mail, inactive, no password yet', async () => {
      const inactivePassword = remember(strongPassword());
      const inactive = await userWithPassword(t.database.db, 'parent', inactivePassword);
      await t.database.db.sql.query('UPDATE users SET is_active = false WHERE id = $1', [inactive.id]);
      const noPassword = await userWithPassword(t.database.db, 'parent', 'unused-password-1');
      await t.database.db.sql.query('UPDATE users SET password_hash = NULL WHERE id = $1', [noPassword.id]);

      const attempts = [
        { email: parent.email, password: remember('wrong-password-123') },
        { email: 'nobody.here@test.example', password: parentPassword },
        { email: inactive.email, password: inactivePassword },
        { email: noPassword.email, password: 'unused-password-1' },
      ];
      const bodies = [];
      for (const attempt of attempts) {
        const res = await post('/api/v1/auth/login', attempt);
        expect(res.statusCode).toBe(401);
        const { requestId, ...rest } = res.json().error;
        expect(typeof requestId).toBe('string');
        bodies.push(rest);
      }
      expect(bodies[0]).toEqual({ code: 'unauthenticated', message: 'Invalid email or password' });
      for (const body of bodies) expect(body).toEqual(bodies[0]);
    });

    it('upgrades a hash made with weaker argon2 parameters at the next sign-in', async () => {
      const password = remember(strongPassword());
      const weak = await hash(password, { algorithm: 2 as Algorithm, memoryCost: 4096, timeCost: 1, parallelism: 1 });
      const user = await createUser(t.database.db, 'parent', { passwordHash: weak });
      remember((await login(t.app, user.email, password)).refreshToken);
      const [row] = await t.database.db.sql.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
      expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      remember((await login(t.app, user.email, password)).refreshToken);
    });

    it('names invalid input fields', async () => {
      const res = await post('/api/v1/auth/login', { email: 'not-an-email', password: '' });
      expect(res.statusCode).toBe(400);
      const fields = res.json().error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['body.email', 'body.password']));
    });

    it('locks an account after 5 failures, even against the right password, until locked_until passes', async () => {
      const password = remember(strongPassword());
      const user = await userWithPassword(t.database.db, 'parent', password);
      for (let i = 0; i < 5; i += 1) {
        const res = await post('/api/v1/auth/login', { email: user.email, password: 'wrong-password-123' });
        expect(res.statusCode).toBe(401);
      }
      const [row] = await t.database.db.sql.query<{ failed_login_count: number; locked: boolean }>(
        'SELECT failed_login_count, locked_until > now() AS locked FROM users WHERE id = $1',
        [user.id],
      );
      expect(row).toEqual({ failed_login_count: 5, locked: true });

      const locked = await post('/api/v1/auth/login', { email: user.email, password });
      expect(locked.statusCode).toBe(401);
      expect(locked.json().error).toMatchObject({ code: 'unauthenticated', message: 'Invalid email or password' });

      // The lock has passed: one more failure locks again, for twice as long.
      await t.database.db.sql.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [user.id]);
      expect((await post('/api/v1/auth/login', { email: user.email, password: 'wrong-password-123' })).statusCode).toBe(401);
      const [relocked] = await t.database.db.sql.query<{ seconds: number }>('SELECT extract(epoch FROM locked_until - now())::float8 AS seconds FROM users WHERE id = $1', [
        user.id,
      ]);
      expect(relocked!.seconds).toBeGreaterThan(90);
      expect(relocked!.seconds).toBeLessThanOrEqual(120);

      await t.database.db.sql.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [user.id]);
      const ok = await post('/api/v1/auth/login', { email: user.email, password });
      expect(ok.statusCode).toBe(200);
      remember(ok.json().accessToken);
      remember(ok.json().refreshToken);
      const [after] = await t.database.db.sql.query('SELECT failed_login_count, locked_until FROM users WHERE id = $1', [user.id]);
      expect(after).toEqual({ failed_login_count: 0, locked_until: null });
    });
  });

  describe('refresh and logout', () => {
    it('rotates the refresh token; a reused one is refused and kills its successor', async () => {
      const first = await login(t.app, parent.email, parentPassword);
      remember(first.refreshToken);
      const rotated = await refresh(first.refreshToken);
      expect(rotated.statusCode).toBe(200);
      const second = rotated.json();
      remember(second.refreshToken);
      remember(second.accessToken);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect((await me(second.accessToken)).statusCode).toBe(200);

      const reused = await refresh(first.refreshToken);
      expect(reused.statusCode).toBe(401);
      expect(reused.json().error.code).toBe('unauthenticated');
      const successor = await refresh(second.refreshToken);
      expect(successor.statusCode).toBe(401);

      // Another session of the same user (another family of tokens) is untouched.
      const other = await login(t.app, parent.email, parentPassword);
      remember(other.refreshToken);
      expect((await refresh(other.refreshToken)).statusCode).toBe(200);
    });

    it('refuses an unknown refresh token', async () => {
      const res = await refresh('x'.repeat(43));
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatchObject({ code: 'unauthenticated', message: 'Invalid refresh token' });
    });

    it('logout revokes the given refresh token; without one, every session', async () => {
      const a = await login(t.app, teacher.email, teacherPassword);
      remember(a.refreshToken);
      expect((await post('/api/v1/auth/logout', {}, {})).statusCode).toBe(401);
      const out = await post('/api/v1/auth/logout', { refreshToken: a.refreshToken }, bearer(a.accessToken));
      expect(out.statusCode).toBe(204);
      expect((await refresh(a.refreshToken)).statusCode).toBe(401);

      const b = await login(t.app, teacher.email, teacherPassword);
      const c = await login(t.app, teacher.email, teacherPassword);
      remember(b.refreshToken);
      remember(c.refreshToken);
      const all = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(b.accessToken) });
      expect(all.statusCode).toBe(204);
      expect((await refresh(b.refreshToken)).statusCode).toBe(401);
      expect((await refresh(c.refreshToken)).statusCode).toBe(401);
    });

    it("cannot revoke another user's refresh token", async () => {
      const victim = await login(t.app, parent.email, parentPassword);
      const attacker = await login(t.app, teacher.email, teacherPassword);
      remember(victim.refreshToken);
      remember(attacker.refreshToken);
      expect((await post('/api/v1/auth/logout', { refreshToken: victim.refreshToken }, bearer(attacker.accessToken))).statusCode).toBe(204);
      expect((await refresh(victim.refreshToken)).statusCode).toBe(200);
    });
  });

  describe('me and validate', () => {
    it('me answers the profile of the token, 401 without one', async () => {
      const session = await login(t.app, teacher.email, teacherPassword);
      remember(session.refreshToken);
      const res = await me(session.accessToken);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: teacher.id, role: 'teacher', teacherId: teacher.teacherId });
      const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.code).toBe('unauthenticated');
    });

    it('validate answers the user of a valid token and 401 for garbage', async () => {
      const session = await login(t.app, parent.email, parentPassword);
      remember(session.refreshToken);
      const ok = await post('/api/v1/auth/validate', { token: session.accessToken });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ id: parent.id, email: parent.email, role: 'parent' });
      for (const token of ['garbage', 'a.b.c', session.refreshToken]) {
        const bad = await post('/api/v1/auth/validate', { token });
        expect(bad.statusCode).toBe(401);
        expect(bad.json().error.code).toBe('unauthenticated');
      }
    });
  });

  describe('change password', () => {
    it('refuses a wrong current password (400 naming body.currentPassword) and a weak new one (body.newPassword)', async () => {
      const session = await login(t.app, parent.email, parentPassword);
      remember(session.refreshToken);
      const wrong = await post('/api/v1/auth/password', { currentPassword: 'not-the-password', newPassword: remember(strongPassword()) }, bearer(session.accessToken));
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.details).toEqual([{ field: 'body.currentPassword', message: 'is not your current password' }]);
      const weak = await post('/api/v1/auth/password', { currentPassword: parentPassword, newPassword: 'short' }, bearer(session.accessToken));
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.details.map((d: { field: string }) => d.field)).toEqual(['body.newPassword']);
      expect((await me(session.accessToken)).statusCode).toBe(200);
    });

    it('a new password ends every earlier session: old access and refresh tokens are refused, the new pair works', async () => {
      const password = remember(strongPassword());
      const user = await userWithPassword(t.database.db, 'parent', password);
      const old = await login(t.app, user.email, password);
      remember(old.refreshToken);
      const newPassword = remember(strongPassword());
      const res = await post('/api/v1/auth/password', { currentPassword: password, newPassword }, bearer(old.accessToken));
      expect(res.statusCode).toBe(200);
      const fresh = res.json();
      remember(fresh.refreshToken);
      expect(fresh).toMatchObject({ tokenType: 'Bearer' });

      expect((await me(old.accessToken)).statusCode).toBe(401);
      expect((await refresh(old.refreshToken)).statusCode).toBe(401);
      expect((await me(fresh.accessToken)).statusCode).toBe(200);
      const rotated = await refresh(fresh.refreshToken);
      expect(rotated.statusCode).toBe(200);
      remember(rotated.json().refreshToken);
      expect((await me(rotated.json().accessToken)).statusCode).toBe(200);

      expect((await post('/api/v1/auth/login', { email: user.email, password })).statusCode).toBe(401);
      expect((await post('/api/v1/auth/login', { email: user.email, password: newPassword })).statusCode).toBe(200);
    });
  });

  describe('password reset', () => {
    const request = (email: string) => post('/api/v1/auth/password-reset/request', { email });
    const confirm = (token: string, newPassword: string) => post('/api/v1/auth/password-reset/confirm', { token, newPassword });
    const outboxCount = async (to: string): Promise<number> =>
      (await t.database.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE lower(recipient) = lower($1)', [to]))[0]!.n;

    it('always answers 202 with the same body; only a known address gets an e-mail', async () => {
      const password = remember(strongPassword());
      const user = await userWithPassword(t.database.db, 'parent', password);
      const unknown = `nobody.${Date.now()}@test.example`;
      const known = await request(user.email);
      const missing = await request(unknown);
      expect(known.statusCode).toBe(202);
      expect(missing.statusCode).toBe(202);
      expect(known.json()).toEqual(missing.json());
      expect(known.json()).toEqual({ status: 'accepted', message: expect.any(String) });
      expect(await outboxCount(user.email)).toBe(1);
      expect(await outboxCount(unknown)).toBe(0);
      const mail = await lastEmailTo(t.database.db, user.email);
      expect(mail?.template).toBe('password_reset');
    });

    it('a reset token works once, ends every session, and the new password signs in', async () => {
      const password = remember(strongPassword());
      const user = await userWithPassword(t.database.db, 'parent', password);
      const session = await login(t.app, user.email, password);
      remember(session.refreshToken);
      await request(user.email);
      const token = remember(tokenFromEmail((await lastEmailTo(t.database.db, user.email))!.body_text));

      const weak = await confirm(token, 'short');
      expect(weak.statusCode).toBe(400);
      expect(weak.json().error.details.map((d: { field: string }) => d.field)).toEqual(['body.newPassword']);

      const newPassword = remember(strongPassword());
      expect((await confirm(token, newPassword)).statusCode).toBe(204);
      expect((await me(session.accessToken)).statusCode).toBe(401);
      expect((await refresh(session.refreshToken)).statusCode).toBe(401);
      expect((await post('/api/v1/auth/login', { email: user.email, password })).statusCode).toBe(401);
      const signedIn = await login(t.app, user.email, newPassword);
      remember(signedIn.refreshToken);

      const again = await confirm(token, remember(strongPassword()));
      expect(again.statusCode).toBe(400);
      expect(again.json().error.details).toEqual([{ field: 'body.token', message: 'is invalid, used or expired' }]);
    });

    it('refuses expired, superseded and garbage tokens with 400 naming body.token', async () => {
      const user = await userWithPassword(t.database.db, 'parent', remember(strongPassword()));
      await request(user.email);
      const first = remember(tokenFromEmail((await lastEmailTo(t.database.db, user.email))!.body_text));
      await request(user.email);
      const second = remember(tokenFromEmail((await lastEmailTo(t.database.db, user.email))!.body_text));
      expect(second).not.toBe(first);
      await t.database.db.sql.query(`UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND used_at IS NULL`, [user.id]);

      for (const token of [first, second, 'g'.repeat(43)]) {
        const res = await confirm(token, remember(strongPassword()));
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        expect(res.json().error.details).toEqual([{ field: 'body.token', message: 'is invalid, used or expired' }]);
      }
    });
  });

  it('never writes a password or a token to the log', () => {
    const output = logs.text();
    // The capture works: requests were logged, with their URLs.
    expect(output).toContain('/api/v1/auth/login');
    expect(output).toContain('/api/v1/auth/password-reset/confirm');
    expect(secrets.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
