/** Follow-up tasks by hand: create, list, read, change; bad input is a 400 naming the field and changes nothing; audited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPendingApprovals } from '../../src/modules/approvals/store.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;
let parent: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  s = await createTestStack({ startWorker: false });
  admin = await createUser(s.database.db, 'admin');
  parent = await createUser(s.database.db, 'parent', { firstName: 'Hélène' });
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers = admin.headers) =>
  s.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
const count = async () => (await s.database.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks'))[0]!.n;

describe('tasks', () => {
  it('are created, listed, read and changed by admins, and audited', async () => {
    const created = await call('POST', '/api/v1/tasks', { title: 'Call Hélène', details: 'About the March invoice', dueOn: '2030-03-02', userId: parent.id });
    expect(created.statusCode, created.body).toBe(201);
    const task = created.json();
    expect(task).toMatchObject({ title: 'Call Hélène', dueOn: '2030-03-02', status: 'open', userId: parent.id, createdBy: admin.id, closedAt: null });

    const list = (await call('GET', `/api/v1/tasks?status=open&userId=${parent.id}`)).json();
    expect(list).toMatchObject({ page: 1, pageSize: 50, total: 1, data: [{ id: task.id }] });

    const done = await call('PATCH', `/api/v1/tasks/${task.id}`, { status: 'done', dueOn: null });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', dueOn: null, closedAt: expect.any(String), title: 'Call Hélène' });
    const reopened = (await call('PATCH', `/api/v1/tasks/${task.id}`, { status: 'open' })).json();
    expect(reopened).toMatchObject({ status: 'open', closedAt: null });
    expect((await call('GET', `/api/v1/tasks/${task.id}`)).json()).toEqual(reopened);

    const audit = await s.database.db.sql.query<{ action: string; actor_id: number }>(
      `SELECT action, actor_id FROM audit_log WHERE entity = 'task' AND entity_id = $1 ORDER BY id`,
      [String(task.id)],
    );
    expect(audit).toEqual([
      { action: 'create', actor_id: admin.id },
      { action: 'update', actor_id: admin.id },
      { action: 'update', actor_id: admin.id },
    ]);
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const before = await count();
    const cases: Array<[string, 'POST' | 'PATCH', Record<string, unknown>, string]> = [
      ['/api/v1/tasks', 'POST', { details: 'no title' }, 'body.title'],
      ['/api/v1/tasks', 'POST', { title: ' ' }, 'body.title'],
      ['/api/v1/tasks', 'POST', { title: 'x', dueOn: '2030-02-30' }, 'body.dueOn'],
      ['/api/v1/tasks', 'POST', { title: 'x', userId: 2_000_000_000 }, 'body.userId'],
      ['/api/v1/tasks', 'POST', { title: 'x', status: 'done' }, 'body'],
    ];
    for (const [url, method, payload, field] of cases) {
      const res = await call(method, url, payload);
      expect(res.statusCode, `${JSON.stringify(payload)} → ${res.body}`).toBe(400);
      expect(JSON.stringify(res.json().error.details)).toContain(field);
    }
    expect(await count()).toBe(before);

    const task = (await call('POST', '/api/v1/tasks', { title: 'Check the piano' })).json();
    const unknownStatus = await call('PATCH', `/api/v1/tasks/${task.id}`, { status: 'finished' });
    expect(unknownStatus.statusCode).toBe(400);
    expect(unknownStatus.json().error.details).toEqual([expect.objectContaining({ field: 'body.status' })]);
    const nothing = await call('PATCH', `/api/v1/tasks/${task.id}`, {});
    expect(nothing.statusCode).toBe(400);
    expect((await call('GET', `/api/v1/tasks/${task.id}`)).json()).toMatchObject({ status: 'open', title: 'Check the piano' });
    expect((await call('PATCH', '/api/v1/tasks/2000000000', { status: 'done' })).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/tasks/2000000000')).statusCode).toBe(404);
  });

  it('are the office’s only: parents are refused; pending approvals are counted for the dashboard', async () => {
    expect(await countPendingApprovals(s.database.db.sql)).toBe(0);
    expect((await call('GET', '/api/v1/tasks', undefined, parent.headers)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/tasks', { title: 'x' }, parent.headers)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/approvals', undefined, parent.headers)).statusCode).toBe(403);
  });
});
