/**
 * Notification routes through the real app: own in-app notifications (list, unread filter, read),
 * preferences, the admin outbox, direct messages (who may write to whom, audit, delivery), bad
 * input naming the field, and access.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { notify, userWith, WAIT_MS } from './helpers.js';

type User = Awaited<ReturnType<typeof userWith>>;

describe('notification routes', () => {
  let stack: TestStack;
  let admin: User, teacherA: User, teacherB: User, parentA: User, parentB: User;

  beforeAll(async () => {
    stack = await createTestStack();
    admin = await userWith(stack, 'admin', { firstName: 'Ada' });
    teacherA = await userWith(stack, 'teacher', { firstName: 'Clara' });
    teacherB = await userWith(stack, 'teacher');
    parentA = await userWith(stack, 'parent', { phone: '+19025550131' });
    parentB = await userWith(stack, 'parent');
    await stack.database.db.sql.query(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, 'Emma', 'A', '2015-01-01', 'piano', 4500)`,
      [parentA.id, teacherA.teacherId],
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, user?: User, payload?: object) =>
    stack.app.inject({ method, url, ...(user ? { headers: user.headers } : {}), ...(payload ? { payload } : {}) });
  const fields = (res: { json(): { error: { details?: Array<{ field: string }> } } }) => res.json().error.details?.map((d) => d.field);

  describe('in-app notifications', () => {
    let ownIds: number[];
    beforeAll(async () => {
      await notify(stack, { userId: parentA.id, template: 'admin_alert', data: { title: 'First', message: 'one' }, channels: ['in_app'] });
      await notify(stack, { userId: parentA.id, template: 'admin_alert', data: { title: 'Second', message: 'two' }, channels: ['in_app'] });
      await notify(stack, { userId: parentB.id, template: 'admin_alert', data: { title: 'Other family', message: 'three' }, channels: ['in_app'] });
      ownIds = (await call('GET', '/api/v1/notifications', parentA)).json().data.map((n: { id: number }) => n.id);
    });

    it('lists only the caller’s own, newest first, paginated, with the unread count', async () => {
      const res = await call('GET', '/api/v1/notifications', parentA);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ page: 1, pageSize: 50, total: 2, unread: 2 });
      expect(body.data.map((n: { title: string }) => n.title)).toEqual(['[Cedar Heights Music Academy] Second', '[Cedar Heights Music Academy] First']);
      expect(body.data[0]).toMatchObject({ kind: 'admin_alert', readAt: null, data: { title: 'Second', message: 'two' } });
      expect(body.data[0].body).toContain('two');
      const paged = (await call('GET', '/api/v1/notifications?page=2&pageSize=1', parentA)).json();
      expect(paged).toMatchObject({ page: 2, pageSize: 1, total: 2 });
      expect(paged.data.map((n: { title: string }) => n.title)).toEqual(['[Cedar Heights Music Academy] First']);
    });

    it('marks one read (idempotently), filters by read state, and answers 404 for another user’s', async () => {
      const [newest, oldest] = ownIds as [number, number];
      const first = await call('POST', `/api/v1/notifications/${oldest}/read`, parentA);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ id: oldest, readAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      const again = await call('POST', `/api/v1/notifications/${oldest}/read`, parentA);
      expect(again.json().readAt).toBe(first.json().readAt);

      const unread = (await call('GET', '/api/v1/notifications?unread=true', parentA)).json();
      expect(unread).toMatchObject({ total: 1, unread: 1 });
      expect(unread.data.map((n: { id: number }) => n.id)).toEqual([newest]);
      const read = (await call('GET', '/api/v1/notifications?unread=false', parentA)).json();
      expect(read.data.map((n: { id: number }) => n.id)).toEqual([oldest]);

      for (const outsider of [parentB, admin, teacherA]) {
        const res = await call('POST', `/api/v1/notifications/${newest}/read`, outsider);
        expect(res.statusCode).toBe(404);
        expect(res.json().error.code).toBe('not_found');
      }
      expect((await call('GET', '/api/v1/notifications?unread=true', parentA)).json().total).toBe(1);
    });

    it('refuses bad input naming the field, and anonymous callers', async () => {
      expect(fields(await call('POST', '/api/v1/notifications/abc/read', parentA))).toEqual(['params.id']);
      expect(fields(await call('GET', '/api/v1/notifications?pageSize=500', parentA))).toEqual(['querystring.pageSize']);
      expect(fields(await call('GET', '/api/v1/notifications?unread=maybe', parentA))).toEqual(['querystring.unread']);
      expect((await call('GET', '/api/v1/notifications')).statusCode).toBe(401);
    });
  });

  describe('preferences', () => {
    it('start at the defaults: SMS on only with a phone number', async () => {
      expect((await call('GET', '/api/v1/notifications/preferences', parentA)).json()).toEqual({ email: true, sms: true, inApp: true, hasPhone: true, customised: false });
      expect((await call('GET', '/api/v1/notifications/preferences', parentB)).json()).toEqual({ email: true, sms: false, inApp: true, hasPhone: false, customised: false });
    });

    it('are saved for the caller only, and refuse SMS without a phone number', async () => {
      const put = await call('PUT', '/api/v1/notifications/preferences', teacherB, { email: false, sms: false, inApp: true });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({ email: false, sms: false, inApp: true, hasPhone: false, customised: true });
      expect((await call('GET', '/api/v1/notifications/preferences', teacherB)).json()).toMatchObject({ email: false, customised: true });
      expect((await call('GET', '/api/v1/notifications/preferences', teacherA)).json()).toMatchObject({ email: true, customised: false });
      const [audit] = await stack.database.db.sql.query<{ actor_id: number; before: object; after: object }>(
        `SELECT actor_id, before, after FROM audit_log WHERE entity = 'notification_preferences' AND entity_id = $1`,
        [String(teacherB.id)],
      );
      expect(audit).toEqual({ actor_id: teacherB.id, before: { email: true, sms: false, inApp: true }, after: { email: false, sms: false, inApp: true } });

      const noPhone = await call('PUT', '/api/v1/notifications/preferences', parentB, { email: true, sms: true, inApp: true });
      expect(noPhone.statusCode).toBe(400);
      expect(noPhone.json().error.details).toEqual([{ field: 'body.sms', message: 'needs a phone number on the account' }]);
      expect(fields(await call('PUT', '/api/v1/notifications/preferences', parentB, { email: 'yes', sms: false }))).toEqual(['body.email', 'body.inApp']);
      expect((await call('PUT', '/api/v1/notifications/preferences', undefined, { email: true, sms: false, inApp: true })).statusCode).toBe(401);
    });
  });

  describe('outbox', () => {
    it('lists every e-mail and SMS with its state for the admin, filtered by channel and status', async () => {
      await notify(stack, { userId: parentA.id, template: 'admin_alert', data: { title: 'Outbox', message: 'x' }, channels: ['email', 'sms'] });
      const all = (await call('GET', '/api/v1/outbox', admin)).json();
      expect(all.total).toBeGreaterThanOrEqual(2);
      const sms = (await call('GET', '/api/v1/outbox?channel=sms&status=kept', admin)).json();
      expect(sms.data.length).toBeGreaterThanOrEqual(1);
      for (const row of sms.data) expect(row).toMatchObject({ channel: 'sms', status: 'kept', provider: 'outbox' });
      expect(sms.data[0]).toMatchObject({ recipient: '+19025550131', userId: parentA.id, template: 'admin_alert', attempts: 1, sentAt: null });
      expect((await call('GET', '/api/v1/outbox?status=sent', admin)).json().total).toBe(0);
      expect(fields(await call('GET', '/api/v1/outbox?status=lost&channel=fax', admin))?.sort()).toEqual(['querystring.channel', 'querystring.status']);
      for (const user of [teacherA, parentA]) expect((await call('GET', '/api/v1/outbox', user)).statusCode).toBe(403);
    });
  });

  describe('direct messages (kept as conversations: test/messages/conversations.test.ts)', () => {
    const message = { subject: 'Practice', body: 'Scales daily,\nplease.' };

    it('an admin messages a parent: 201 with the conversation and its run, delivered in-app, audited', async () => {
      const res = await call('POST', '/api/v1/messages', admin, { to: { userId: parentB.id }, ...message, channels: ['in_app'] });
      expect(res.statusCode).toBe(201);
      const { conversation, notificationRunIds } = res.json();
      expect(notificationRunIds).toHaveLength(1);
      expect((await stack.engine.waitFor(notificationRunIds[0], WAIT_MS)).status).toBe('succeeded');
      const inbox = (await call('GET', '/api/v1/notifications', parentB)).json();
      expect(inbox.data[0]).toMatchObject({ kind: 'message_received', title: '[Cedar Heights Music Academy] Practice' });
      expect(inbox.data[0].body).toContain('Ada Tester wrote to you about');
      const [audit] = await stack.database.db.sql.query<{ actor_id: number; after: object }>(
        `SELECT actor_id, after FROM audit_log WHERE entity = 'conversation' AND entity_id = $1`,
        [String(conversation.id)],
      );
      expect(audit).toMatchObject({ actor_id: admin.id, after: { to: { userId: parentB.id }, subject: 'Practice', topic: 'general' } });
    });

    it('a teacher writes to parents of their own students and to admins only', async () => {
      expect((await call('POST', '/api/v1/messages', teacherA, { to: { userId: parentA.id }, ...message })).statusCode).toBe(201);
      expect((await call('POST', '/api/v1/messages', teacherA, { to: { userId: admin.id }, ...message })).statusCode).toBe(201);
      for (const recipient of [parentB, teacherB]) {
        const res = await call('POST', '/api/v1/messages', teacherA, { to: { userId: recipient.id }, ...message });
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
      }
      expect((await call('POST', '/api/v1/messages', teacherB, { to: { userId: parentA.id }, ...message })).statusCode).toBe(403);
    });

    it('refuses bad input, unknown recipients and callers without a token', async () => {
      expect(fields(await call('POST', '/api/v1/messages', admin, { to: { userId: parentA.id }, subject: '', body: 'x' }))).toEqual(['body.subject']);
      expect(fields(await call('POST', '/api/v1/messages', admin, { to: { userId: 'one' }, subject: 's', body: 'm', channels: ['fax'] }))?.sort()).toEqual([
        'body.channels.0',
        'body.to',
      ]);
      expect(fields(await call('POST', '/api/v1/messages', admin, { to: { userId: admin.id }, ...message }))).toEqual(['body.to']);
      const other = await userWith(stack, 'admin');
      expect(fields(await call('POST', '/api/v1/messages', admin, { to: { userId: other.id }, ...message }))).toEqual(['body.to']);
      expect((await call('POST', '/api/v1/messages', admin, { to: { userId: 2_000_000_000 }, ...message })).statusCode).toBe(404);
      expect((await call('POST', '/api/v1/messages', parentA, { to: { userId: teacherB.id }, ...message })).statusCode).toBe(403);
      expect((await call('POST', '/api/v1/messages', undefined, { to: { userId: teacherA.id }, ...message })).statusCode).toBe(401);
    });
  });
});
