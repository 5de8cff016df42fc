/**
 * GET /api/v1/privacy/exports: an admin lists every export (or one user's), a parent the ones
 * they asked for; teachers have no exports (403, as API.md gives the access to admins and
 * parents); bad queries are 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';

type User = Awaited<ReturnType<typeof createUser>>;

describe('the list of privacy exports', () => {
  let stack: TestStack;
  let admin: User;
  let parent: User;
  let teacher: User;

  beforeAll(async () => {
    stack = await createTestStack();
    const db = stack.database.db;
    admin = await createUser(db, 'admin');
    parent = await createUser(db, 'parent');
    teacher = await createUser(db, 'teacher');
  });
  afterAll(async () => stack?.close());

  const ask = (user: User, userId: number) => stack.app.inject({ method: 'POST', url: '/api/v1/privacy/exports', headers: user.headers, payload: { userId } });
  const list = (user: User, query = '') => stack.app.inject({ method: 'GET', url: `/api/v1/privacy/exports${query}`, headers: user.headers });

  it('shows each requester their own exports and the admin everyone’s', async () => {
    const byAdmin = await ask(admin, teacher.id);
    expect(byAdmin.statusCode, byAdmin.body).toBe(202);
    const byParent = await ask(parent, parent.id);
    expect(byParent.statusCode, byParent.body).toBe(202);

    const parents = (await list(parent)).json();
    expect(parents.data.map((e: { id: number }) => e.id)).toEqual([byParent.json().exportId]);

    const all = (await list(admin, '?pageSize=100')).json();
    expect(all.data.map((e: { id: number }) => e.id)).toEqual(expect.arrayContaining([byAdmin.json().exportId, byParent.json().exportId]));
    const ofParent = (await list(admin, `?userId=${parent.id}`)).json();
    expect(ofParent).toMatchObject({ total: 1, page: 1, data: [{ id: byParent.json().exportId }] });
    // a parent's filter cannot widen what they see
    expect((await list(parent, `?userId=${teacher.id}`)).json().total).toBe(0);
  });

  it('refuses teachers, and bad queries', async () => {
    const before = (await list(admin, '?pageSize=100')).json().total;
    expect((await ask(teacher, teacher.id)).statusCode).toBe(403);
    expect((await list(teacher)).statusCode).toBe(403);
    const badUser = await list(admin, '?userId=abc');
    expect(badUser.statusCode).toBe(400);
    expect(JSON.stringify(badUser.json().error.details)).toContain('userId');
    const badSize = await list(admin, '?pageSize=0');
    expect(badSize.statusCode).toBe(400);
    expect(JSON.stringify(badSize.json().error.details)).toContain('pageSize');
    expect((await stack.app.inject({ method: 'GET', url: '/api/v1/privacy/exports' })).statusCode).toBe(401);
    expect((await list(admin, '?pageSize=100')).json().total).toBe(before);
  });
});
