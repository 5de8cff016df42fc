/**
 * Who may call what: the status is for admins and the parent who enrolled (another parent gets
 * 404, a teacher 403); the list and the admin form are admin-only; row-level security filters the
 * enrollments table on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCaller } from '../../src/modules/auth/scoped.js';
import { enrollments } from '../../src/db/schema/enrollments.js';
import { createUser } from '../helpers/app.js';
import type { TestStack } from '../helpers/stack.js';
import { createTeacher, enrollmentForm, enrollmentStack } from './helpers.js';

type User = Awaited<ReturnType<typeof createUser>>;
let s: TestStack;
let admin: User;
let teacher: User;
let parentA: User;
let parentB: User;
let linked: { enrollmentId: number; statusUrl: string; studentId: number };
let byEmail: { enrollmentId: number; statusUrl: string };

beforeAll(async () => {
  s = await enrollmentStack();
  admin = await createUser(s.database.db, 'admin');
  teacher = await createTeacher(s.database.db);
  parentA = await createUser(s.database.db, 'parent');
  parentB = await createUser(s.database.db, 'parent');
  // Parent A enrolls a child (their account is reused and linked) and another one is waitlisted
  // (no student, no link: recognised by the e-mail).
  const enroll = (form: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });
  linked = (await enroll(enrollmentForm({ parentEmail: parentA.email }))).json();
  byEmail = (await enroll(enrollmentForm({ parentEmail: parentA.email.toUpperCase(), instrument: 'drums' }))).json();
});
afterAll(async () => {
  await s?.close();
});

const get = (url: string, user?: User) => s.app.inject({ method: 'GET', url, headers: user?.headers ?? {} });

describe('GET /api/v1/enrollments/{id}/status', () => {
  it('shows the parent who enrolled both their enrollments, linked or by e-mail', async () => {
    const own = await get(linked.statusUrl, parentA);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ enrollmentId: linked.enrollmentId, status: 'completed', parentId: parentA.id, studentId: linked.studentId });
    const waitlisted = await get(byEmail.statusUrl, parentA);
    expect(waitlisted.statusCode).toBe(200);
    expect(waitlisted.json()).toMatchObject({ status: 'waitlisted', errors: [{ code: 'no_teacher', message: 'No teachers available for drums' }] });
  });

  it('is 404 for another parent, 403 for a teacher, 401 without a token', async () => {
    for (const url of [linked.statusUrl, byEmail.statusUrl]) {
      const other = await get(url, parentB);
      expect(other.statusCode).toBe(404);
      expect(other.body).not.toContain(parentA.email);
      expect((await get(url, teacher)).statusCode).toBe(403);
      expect((await get(url)).statusCode).toBe(401);
    }
  });

  it('serves admins, with 404 for an unknown enrollment and 400 for a bad id', async () => {
    expect((await get(linked.statusUrl, admin)).json()).toMatchObject({ enrollmentId: linked.enrollmentId, status: 'completed' });
    expect((await get('/api/v1/enrollments/999999/status', admin)).statusCode).toBe(404);
    const bad = await get('/api/v1/enrollments/abc/status', admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('params.id');
  });
});

describe('admin-only routes', () => {
  it('lists enrollments for admins only, filtered by status and paginated', async () => {
    for (const user of [parentA, teacher]) expect((await get('/api/v1/enrollments', user)).statusCode).toBe(403);
    expect((await get('/api/v1/enrollments')).statusCode).toBe(401);
    const all = await get('/api/v1/enrollments?pageSize=1', admin);
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ page: 1, pageSize: 1, total: 2, data: [{ enrollmentId: byEmail.enrollmentId, source: 'admin', instrument: 'drums' }] });
    const waitlisted = (await get('/api/v1/enrollments?status=waitlisted', admin)).json();
    expect(waitlisted.data.map((e: { enrollmentId: number }) => e.enrollmentId)).toEqual([byEmail.enrollmentId]);
    const completed = (await get('/api/v1/enrollments?status=completed', admin)).json();
    expect(completed.data).toEqual([
      expect.objectContaining({ enrollmentId: linked.enrollmentId, parentEmail: parentA.email.toLowerCase(), studentName: expect.stringMatching(/^Emma /) }),
    ]);
    expect((await get('/api/v1/enrollments?status=running', admin)).json()).toMatchObject({ data: [], total: 0 });
    expect((await get('/api/v1/enrollments?status=bogus', admin)).statusCode).toBe(400);
  });

  it('refuses the admin form to parents, teachers and anonymous callers, before reading it', async () => {
    for (const [user, code] of [
      [parentA, 403],
      [teacher, 403],
      [undefined, 401],
    ] as const) {
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: user?.headers ?? {}, payload: enrollmentForm() });
      expect(res.statusCode).toBe(code);
    }
    expect((await get('/api/v1/enrollments', admin)).json().total).toBe(2);
  });
});

it('row-level security filters the enrollments table by itself', async () => {
  const seen = async (user: User) =>
    (await asCaller(s.database.db, { userId: user.id, role: user.role }, (tx) => tx.select({ id: enrollments.id }).from(enrollments))).map((r) => r.id).sort();
  expect(await seen(parentA)).toEqual([linked.enrollmentId, byEmail.enrollmentId].sort());
  expect(await seen(parentB)).toEqual([]);
  expect(await seen(teacher)).toEqual([]);
  expect(await seen(admin)).toHaveLength(2);
});
