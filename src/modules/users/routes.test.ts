import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, type TestApp } from '../../../test/helpers/app.js';
import { bearer, lastEmailTo, login, strongPassword, tokenFromEmail, userWithPassword, type TestUser } from '../../../test/auth/fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('/api/v1/users', () => {
  let t: TestApp;
  let admin: TestUser;
  let parent: TestUser;
  let teacher: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_MAX: '1000' } });
    admin = await createUser(t.database.db, 'admin');
    parent = await createUser(t.database.db, 'parent');
    teacher = await createUser(t.database.db, 'teacher');
  });
  afterAll(async () => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
    t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const fieldsOf = (body: Json): string[] => (body.error.details ?? []).map((d: { field: string }) => d.field);
  const auditOf = async (entityId: number) =>
    t.database.db.sql.query<{ actor_id: number; actor_role: string; action: string; entity: string; before: Json | null; after: Json | null; request_id: string }>(
      `SELECT actor_id, actor_role, action, entity, before, after, request_id FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND action <> 'read' ORDER BY id`, // reads are logged too (audit/read-log.ts)
      [String(entityId)],
    );
  let counter = 0;
  const newUserBody = (fields: Json = {}) => {
    counter += 1;
    return { email: `new.user.${counter}.${Date.now()}@test.example`, firstName: 'New', lastName: `Person${counter}`, phone: '+1 902 555 0100', role: 'parent', ...fields };
  };

  describe('POST', () => {
    it('creates a parent without a password and mails a set-password link that works once', async () => {
      const body = newUserBody({ email: `Mixed.Case.${Date.now()}@Test.Example` });
      const res = await call('POST', '/api/v1/users', admin.headers, body);
      expect(res.statusCode).toBe(201);
      const created = res.json();
      expect(created).toMatchObject({
        email: body.email.toLowerCase(),
        firstName: 'New',
        lastName: body.lastName,
        phone: '+1 902 555 0100',
        role: 'parent',
        isActive: true,
        passwordSet: false,
        teacherId: null,
        lockedUntil: null,
        lastLoginAt: null,
      });
      expect(Date.parse(created.createdAt)).not.toBeNaN();
      expect(res.body).not.toMatch(/password_?hash|\$argon2/i);

      const mail = await lastEmailTo(t.database.db, created.email);
      expect(mail).toMatchObject({ template: 'set_password', subject: expect.stringContaining('choose your password') });
      expect(mail!.body_text).toContain('/set-password?token=');
      const token = tokenFromEmail(mail!.body_text);
      const password = strongPassword();
      const confirm = await call('POST', '/api/v1/auth/password-reset/confirm', {}, { token, newPassword: password });
      expect(confirm.statusCode).toBe(204);
      expect((await login(t.app, created.email, password)).user).toMatchObject({ id: created.id, role: 'parent' });
      expect((await call('POST', '/api/v1/auth/password-reset/confirm', {}, { token, newPassword: strongPassword() })).statusCode).toBe(400);
      expect((await call('GET', `/api/v1/users/${created.id}`, admin.headers)).json()).toMatchObject({ passwordSet: true, lastLoginAt: expect.any(String) });
    });

    it('leaves an audit row with the actor, the request id and no password hash', async () => {
      const res = await call('POST', '/api/v1/users', { ...admin.headers, 'x-request-id': 'create-user-1' }, newUserBody({ password: strongPassword() }));
      expect(res.statusCode).toBe(201);
      const created = res.json();
      const audit = await auditOf(created.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_id: admin.id, actor_role: 'admin', action: 'create', entity: 'user', before: null, request_id: 'create-user-1' });
      expect(audit[0]!.after).toMatchObject({ id: created.id, email: created.email, passwordSet: true });
      expect(JSON.stringify(audit[0])).not.toMatch(/password_?hash|\$argon2/i);
    });

    it('creates a user with a password (no e-mail) who can sign in at once', async () => {
      const password = strongPassword();
      const body = newUserBody({ role: 'admin', password });
      const res = await call('POST', '/api/v1/users', admin.headers, body);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ role: 'admin', passwordSet: true });
      expect(await lastEmailTo(t.database.db, body.email)).toBeUndefined();
      expect((await login(t.app, body.email, password)).user).toMatchObject({ role: 'admin' });
    });

    it('creates a teacher with a teacher profile when instruments and rate are given, without one otherwise', async () => {
      const withProfile = await call('POST', '/api/v1/users', admin.headers, newUserBody({ role: 'teacher', instruments: ['cello'], hourlyRateCents: 7000, bio: 'Cellist' }));
      expect(withProfile.statusCode).toBe(201);
      const teacherId = withProfile.json().teacherId;
      expect(teacherId).toEqual(expect.any(Number));
      const [row] = await t.database.db.sql.query('SELECT instruments, hourly_rate_cents, bio FROM teachers WHERE id = $1', [teacherId]);
      expect(row).toEqual({ instruments: ['cello'], hourly_rate_cents: 7000, bio: 'Cellist' });

      const without = await call('POST', '/api/v1/users', admin.headers, newUserBody({ role: 'teacher' }));
      expect(without.statusCode).toBe(201);
      expect(without.json()).toMatchObject({ role: 'teacher', teacherId: null });
    });

    it('refuses a taken e-mail, in any case, with 409 naming body.email', async () => {
      const res = await call('POST', '/api/v1/users', admin.headers, newUserBody({ email: parent.email.toUpperCase() }));
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'conflict', details: [{ field: 'body.email', message: 'is already in use' }] });
    });

    it('names each bad field', async () => {
      const cases: Array<[Json, string[]]> = [
        [newUserBody({ email: 'not-an-email' }), ['body.email']],
        [newUserBody({ role: 'superuser' }), ['body.role']],
        [newUserBody({ firstName: '  ' }), ['body.firstName']],
        [newUserBody({ phone: 'call me' }), ['body.phone']],
        [newUserBody({ password: 'short' }), ['body.password']],
        [newUserBody({ instruments: ['piano'], hourlyRateCents: 5000 }), ['body.instruments', 'body.hourlyRateCents']],
        [newUserBody({ role: 'teacher', instruments: ['piano'] }), ['body.hourlyRateCents']],
        [newUserBody({ role: 'teacher', hourlyRateCents: 100, instruments: ['piano'] }), ['body.hourlyRateCents']],
        [newUserBody({ passwordHash: 'x' }), ['body']],
        [{ email: 'a@b.example' }, ['body.firstName', 'body.lastName', 'body.role']],
      ];
      for (const [body, fields] of cases) {
        const res = await call('POST', '/api/v1/users', admin.headers, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        expect(fieldsOf(res.json())).toEqual(expect.arrayContaining(fields));
      }
    });

    it('is for admins only', async () => {
      expect((await call('POST', '/api/v1/users', {}, newUserBody())).statusCode).toBe(401);
      expect((await call('POST', '/api/v1/users', parent.headers, newUserBody())).statusCode).toBe(403);
      expect((await call('POST', '/api/v1/users', teacher.headers, newUserBody())).statusCode).toBe(403);
    });
  });

  describe('GET list', () => {
    let tag: string;
    beforeAll(async () => {
      tag = `zq${Date.now()}`;
      for (const [first, last, role] of [
        ['Zoe', `Adams${tag}`, 'parent'],
        ['amy', `baker${tag}`, 'teacher'],
        ['Bob', `Carter${tag}`, 'parent'],
      ] as const) {
        expect((await call('POST', '/api/v1/users', admin.headers, { email: `${first}.${tag}@list.example`, firstName: first, lastName: last, role })).statusCode).toBe(201);
      }
      const [carter] = await t.database.db.sql.query<{ id: number }>('SELECT id FROM users WHERE last_name = $1', [`Carter${tag}`]);
      expect((await call('DELETE', `/api/v1/users/${carter!.id}`, admin.headers)).statusCode).toBe(204);
    });

    it('pages users sorted by last name, then first name, with the total', async () => {
      const res = await call('GET', `/api/v1/users?q=${tag}`, admin.headers);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ page: 1, pageSize: 50, total: 3 });
      expect(body.data.map((u: Json) => u.lastName)).toEqual([`Adams${tag}`, `baker${tag}`, `Carter${tag}`]);
      expect(res.body).not.toMatch(/password_?hash|\$argon2/i);

      const page2 = (await call('GET', `/api/v1/users?q=${tag}&page=2&pageSize=2`, admin.headers)).json();
      expect(page2).toMatchObject({ page: 2, pageSize: 2, total: 3 });
      expect(page2.data.map((u: Json) => u.lastName)).toEqual([`Carter${tag}`]);
    });

    it('filters by role, active and a name or e-mail fragment (case-insensitive)', async () => {
      const names = async (query: string) => (await call('GET', `/api/v1/users?${query}`, admin.headers)).json().data.map((u: Json) => u.firstName);
      expect(await names(`q=${tag}&role=parent`)).toEqual(['Zoe', 'Bob']);
      expect(await names(`q=${tag}&active=false`)).toEqual(['Bob']);
      expect(await names(`q=${tag}&active=true&role=parent`)).toEqual(['Zoe']);
      expect(await names(`q=${encodeURIComponent(`ZOE ADAMS${tag}`)}`)).toEqual(['Zoe']);
      expect(await names(`q=${encodeURIComponent(`amy.${tag}@LIST`)}`)).toEqual(['amy']);
      expect(await names(`q=${encodeURIComponent(`%${tag}`)}`)).toEqual([]);
      const all = (await call('GET', '/api/v1/users?role=admin', admin.headers)).json();
      expect(all.data.every((u: Json) => u.role === 'admin')).toBe(true);
      expect(all.data.map((u: Json) => u.id)).toContain(admin.id);
    });

    it('refuses bad query values, naming them', async () => {
      for (const [query, field] of [
        ['pageSize=500', 'querystring.pageSize'],
        ['page=0', 'querystring.page'],
        ['role=owner', 'querystring.role'],
        ['active=maybe', 'querystring.active'],
      ]) {
        const res = await call('GET', `/api/v1/users?${query}`, admin.headers);
        expect(res.statusCode, query).toBe(400);
        expect(fieldsOf(res.json())).toContain(field);
      }
    });

    it('is for admins only', async () => {
      expect((await call('GET', '/api/v1/users')).statusCode).toBe(401);
      expect((await call('GET', '/api/v1/users', parent.headers)).statusCode).toBe(403);
      expect((await call('GET', '/api/v1/users', teacher.headers)).statusCode).toBe(403);
    });
  });

  describe('GET one', () => {
    it('an admin reads anyone; a user reads themself, nobody else', async () => {
      const byAdmin = await call('GET', `/api/v1/users/${parent.id}`, admin.headers);
      expect(byAdmin.statusCode).toBe(200);
      expect(byAdmin.json()).toMatchObject({ id: parent.id, email: parent.email, role: 'parent' });
      expect((await call('GET', `/api/v1/users/${teacher.id}`, teacher.headers)).json()).toMatchObject({ id: teacher.id, teacherId: teacher.teacherId });
      expect((await call('GET', `/api/v1/users/${parent.id}`, parent.headers)).statusCode).toBe(200);
      const other = await call('GET', `/api/v1/users/${teacher.id}`, parent.headers);
      expect(other.statusCode).toBe(403);
      expect(other.body).not.toContain(teacher.email);
      expect((await call('GET', `/api/v1/users/${admin.id}`, teacher.headers)).statusCode).toBe(403);
      expect((await call('GET', `/api/v1/users/${parent.id}`)).statusCode).toBe(401);
    });

    it('400 naming params.id for a non-numeric or out-of-range id; 404 for an unknown one', async () => {
      for (const id of ['abc', '0', '-3', '1.5', '99999999999']) {
        const res = await call('GET', `/api/v1/users/${id}`, admin.headers);
        expect(res.statusCode, id).toBe(400);
        expect(fieldsOf(res.json())).toEqual(['params.id']);
      }
      const missing = await call('GET', '/api/v1/users/2000000000', admin.headers);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error).toMatchObject({ code: 'not_found', message: 'User not found' });
    });
  });

  describe('PATCH', () => {
    it('an admin changes names, phone, e-mail and role, with an audit row holding before and after', async () => {
      const target = await createUser(t.database.db, 'parent');
      const email = `renamed.${Date.now()}@test.example`;
      const res = await call('PATCH', `/api/v1/users/${target.id}`, admin.headers, { firstName: 'Renamed', lastName: 'Person', phone: '902-555-0199', email, role: 'teacher' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: target.id, firstName: 'Renamed', lastName: 'Person', phone: '902-555-0199', email, role: 'teacher' });
      const [audit] = await auditOf(target.id);
      expect(audit).toMatchObject({ actor_id: admin.id, action: 'update', before: { email: target.email, role: 'parent' }, after: { email, role: 'teacher' } });
      expect((await call('PATCH', `/api/v1/users/${target.id}`, admin.headers, { phone: null })).json().phone).toBeNull();
    });

    it('a user changes their own names and phone; role, isActive and e-mail are 403', async () => {
      const self = await createUser(t.database.db, 'parent');
      const ok = await call('PATCH', `/api/v1/users/${self.id}`, self.headers, { firstName: 'Myself', phone: '+1 902 555 0123' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ firstName: 'Myself', phone: '+1 902 555 0123', role: 'parent' });
      const [audit] = await auditOf(self.id);
      expect(audit).toMatchObject({ actor_id: self.id, actor_role: 'parent', action: 'update' });

      for (const [body, field] of [
        [{ role: 'admin' }, 'body.role'],
        [{ isActive: false }, 'body.isActive'],
        [{ email: 'other@test.example' }, 'body.email'],
        [{ firstName: 'Sneaky', role: 'parent' }, 'body.role'],
      ] as const) {
        const res = await call('PATCH', `/api/v1/users/${self.id}`, self.headers, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(403);
        expect(fieldsOf(res.json())).toEqual([field]);
      }
      const [row] = await t.database.db.sql.query('SELECT role, first_name FROM users WHERE id = $1', [self.id]);
      expect(row).toEqual({ role: 'parent', first_name: 'Myself' });
    });

    it("nobody but an admin changes someone else's account", async () => {
      expect((await call('PATCH', `/api/v1/users/${teacher.id}`, parent.headers, { firstName: 'Hacked' })).statusCode).toBe(403);
      expect((await call('PATCH', `/api/v1/users/${parent.id}`, teacher.headers, { firstName: 'Hacked' })).statusCode).toBe(403);
      expect((await call('PATCH', `/api/v1/users/${parent.id}`, {}, { firstName: 'Hacked' })).statusCode).toBe(401);
    });

    it('an admin can neither change their own role nor deactivate themself (409)', async () => {
      const role = await call('PATCH', `/api/v1/users/${admin.id}`, admin.headers, { role: 'parent' });
      expect(role.statusCode).toBe(409);
      expect(fieldsOf(role.json())).toEqual(['body.role']);
      expect((await call('PATCH', `/api/v1/users/${admin.id}`, admin.headers, { isActive: false })).statusCode).toBe(409);
      expect((await call('PATCH', `/api/v1/users/${admin.id}`, admin.headers, { lastName: 'Boss' })).statusCode).toBe(200);
    });

    it('refuses a taken e-mail (409), a role change that would orphan children (409), and bad bodies (400)', async () => {
      const target = await createUser(t.database.db, 'parent');
      const taken = await call('PATCH', `/api/v1/users/${target.id}`, admin.headers, { email: teacher.email.toUpperCase() });
      expect(taken.statusCode).toBe(409);
      expect(fieldsOf(taken.json())).toEqual(['body.email']);
      expect((await call('PATCH', `/api/v1/users/${target.id}`, admin.headers, { email: target.email.toUpperCase() })).statusCode).toBe(200);

      await t.database.db.sql.query(
        `INSERT INTO students (parent_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents) VALUES ($1, 'K', 'L', '2015-01-01', 'piano', 4500)`,
        [target.id],
      );
      const orphan = await call('PATCH', `/api/v1/users/${target.id}`, admin.headers, { role: 'teacher' });
      expect(orphan.statusCode).toBe(409);
      expect(fieldsOf(orphan.json())).toEqual(['body.role']);
      expect((await call('PATCH', `/api/v1/users/${teacher.id}`, admin.headers, { role: 'parent' })).statusCode).toBe(409);

      for (const [body, field] of [
        [{}, 'body'],
        [{ role: 'owner' }, 'body.role'],
        [{ email: 'nope' }, 'body.email'],
        [{ passwordHash: 'x' }, 'body'],
        [{ lastName: '' }, 'body.lastName'],
      ] as const) {
        const res = await call('PATCH', `/api/v1/users/${target.id}`, admin.headers, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(fieldsOf(res.json())).toContain(field);
      }
      expect(fieldsOf((await call('PATCH', '/api/v1/users/abc', admin.headers, { firstName: 'X' })).json())).toEqual(['params.id']);
      expect((await call('PATCH', '/api/v1/users/2000000000', admin.headers, { firstName: 'X' })).statusCode).toBe(404);
    });

    it('isActive false ends the sessions like DELETE; true lets the user sign in again', async () => {
      const password = strongPassword();
      const target = await userWithPassword(t.database.db, 'parent', password);
      const session = await login(t.app, target.email, password);
      const off = await call('PATCH', `/api/v1/users/${target.id}`, admin.headers, { isActive: false });
      expect(off.statusCode).toBe(200);
      expect(off.json().isActive).toBe(false);
      expect((await call('GET', '/api/v1/auth/me', bearer(session.accessToken))).statusCode).toBe(401);
      expect((await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: session.refreshToken })).statusCode).toBe(401);
      expect((await call('PATCH', `/api/v1/users/${target.id}`, admin.headers, { isActive: true })).json().isActive).toBe(true);
      expect((await login(t.app, target.email, password)).user).toMatchObject({ id: target.id });
      expect((await auditOf(target.id)).map((a) => a.action)).toEqual(['deactivate', 'reactivate']);
    });
  });

  describe('DELETE', () => {
    it('deactivates: isActive false, sessions revoked, audit row; the record stays', async () => {
      const password = strongPassword();
      const target = await userWithPassword(t.database.db, 'teacher', password);
      const session = await login(t.app, target.email, password);
      const res = await call('DELETE', `/api/v1/users/${target.id}`, { ...admin.headers, 'x-request-id': 'deactivate-1' });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');

      expect((await call('GET', `/api/v1/users/${target.id}`, admin.headers)).json()).toMatchObject({ id: target.id, isActive: false });
      const [row] = await t.database.db.sql.query<{ revoked: boolean; valid_after_set: boolean }>(
        `SELECT bool_and(r.revoked_at IS NOT NULL) AS revoked, bool_and(u.tokens_valid_after IS NOT NULL) AS valid_after_set
         FROM users u JOIN refresh_tokens r ON r.user_id = u.id WHERE u.id = $1`,
        [target.id],
      );
      expect(row).toEqual({ revoked: true, valid_after_set: true });
      expect((await call('GET', '/api/v1/auth/me', bearer(session.accessToken))).statusCode).toBe(401);
      const [audit] = await auditOf(target.id);
      expect(audit).toMatchObject({ actor_id: admin.id, action: 'deactivate', request_id: 'deactivate-1', before: { isActive: true }, after: { isActive: false } });

      // Again: still 204, nothing new to audit.
      expect((await call('DELETE', `/api/v1/users/${target.id}`, admin.headers)).statusCode).toBe(204);
      expect(await auditOf(target.id)).toHaveLength(1);
    });

    it('an admin cannot deactivate themself (409); unknown 404; bad id 400; others 401/403', async () => {
      const self = await call('DELETE', `/api/v1/users/${admin.id}`, admin.headers);
      expect(self.statusCode).toBe(409);
      expect(self.json().error.code).toBe('conflict');
      expect((await call('GET', '/api/v1/auth/me', admin.headers)).statusCode).toBe(200);
      expect((await call('DELETE', '/api/v1/users/2000000000', admin.headers)).statusCode).toBe(404);
      expect(fieldsOf((await call('DELETE', '/api/v1/users/x1', admin.headers)).json())).toEqual(['params.id']);
      expect((await call('DELETE', `/api/v1/users/${teacher.id}`)).statusCode).toBe(401);
      expect((await call('DELETE', `/api/v1/users/${teacher.id}`, parent.headers)).statusCode).toBe(403);
      expect((await call('DELETE', `/api/v1/users/${parent.id}`, teacher.headers)).statusCode).toBe(403);
      expect((await call('DELETE', `/api/v1/users/${parent.id}`, parent.headers)).statusCode).toBe(403);
    });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await call('GET', '/openapi.json')).json();
    expect(Object.keys(doc.paths['/api/v1/users'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/v1/users/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
  });
});
