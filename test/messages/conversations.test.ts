/**
 * Conversations through the real app, with mail checked in a real SMTP sink: a parent writes to the
 * school (every admin is told) or to their child's teacher, the other side replies, threads are
 * kept with unread counts and read marks, row-level security keeps families apart, billing
 * conversations are stored as such, and every bad input answers a clear 4xx with nothing stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlExecutorOf } from '../../src/db/orm-sql.js';
import { asCaller } from '../../src/modules/auth/scoped.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { userWith, WAIT_MS } from '../notifications/helpers.js';

type User = Awaited<ReturnType<typeof userWith>>;
type Res = { statusCode: number; body: string; json(): any };

const SCHOOL = 'Birch & Maple <Music>';

describe('conversations', () => {
  let sink: SmtpSink;
  let stack: TestStack;
  let admin: User, admin2: User, teacherA: User, teacherB: User, parentA: User, parentB: User;
  let childA: number, childB: number;

  beforeAll(async () => {
    sink = await startSmtpSink();
    stack = await createTestStack({ env: { SMTP_URL: sink.url } });
    admin = await userWith(stack, 'admin', { firstName: 'Ada' });
    admin2 = await userWith(stack, 'admin', { firstName: 'Grace' });
    teacherA = await userWith(stack, 'teacher', { firstName: 'Clara' });
    teacherB = await userWith(stack, 'teacher', { firstName: 'Franz' });
    parentA = await userWith(stack, 'parent', { firstName: 'Jane' });
    parentB = await userWith(stack, 'parent', { firstName: 'Omar' });
    const school = (await call('GET', '/api/v1/settings/school', admin)).json().value;
    expect((await call('PUT', '/api/v1/settings/school', admin, { value: { ...school, name: SCHOOL } })).statusCode).toBe(200);
    childA = await student(parentA.id, teacherA.teacherId!, 'Emma');
    childB = await student(parentB.id, teacherB.teacherId!, 'Noor');
  });
  afterAll(async () => {
    await stack?.close();
    await sink?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, user?: User, payload?: object): Promise<Res> =>
    stack.app.inject({ method, url, ...(user ? { headers: user.headers } : {}), ...(payload ? { payload } : {}) });
  const fields = (res: Res): string[] | undefined => res.json().error.details?.map((d: { field: string }) => d.field);
  const student = async (parentId: number, teacherId: number, firstName: string): Promise<number> => {
    const res = await call('POST', '/api/v1/students', admin, {
      parentId,
      teacherId,
      firstName,
      lastName: 'Doe',
      dateOfBirth: '2015-03-04',
      instrument: 'piano',
      lessonRateCents: 4500,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  };
  const settle = async (runIds: string[]): Promise<void> => {
    for (const runId of runIds) expect((await stack.engine.waitFor(runId, WAIT_MS)).status).toBe('succeeded');
  };
  const counts = async () => {
    const [row] = await stack.database.db.sql.query<{ conversations: number; messages: number }>(
      'SELECT (SELECT count(*)::int FROM conversations) AS conversations, (SELECT count(*)::int FROM conversation_messages) AS messages',
    );
    return row;
  };

  it('a parent writes to the school: stored, every admin is told by mail in the school’s name, body escaped', async () => {
    const body = 'We were charged twice <script>alert(1)</script>\nfor March & April.';
    const res = await call('POST', '/api/v1/messages', parentA, { to: 'school', subject: 'Invoice <March>', body, studentId: childA, topic: 'billing' });
    expect(res.statusCode, res.body).toBe(201);
    const { conversation, notificationRunIds } = res.json();
    expect(conversation).toMatchObject({
      subject: 'Invoice <March>',
      topic: 'billing',
      studentId: childA,
      studentName: 'Emma Doe',
      parent: { userId: parentA.id, name: 'Jane Tester' },
      teacher: null,
      withSchool: true,
      messageCount: 1,
      unread: 0,
    });
    expect(conversation.messages).toEqual([
      expect.objectContaining({ authorId: parentA.id, authorName: 'Jane Tester', authorRole: 'parent', body: body.trim(), createdAt: expect.stringMatching(/Z$/) }),
    ]);
    expect(notificationRunIds).toHaveLength(2);
    await settle(notificationRunIds);

    for (const staff of [admin, admin2]) {
      const mail = await sink.waitFor((m) => m.to.includes(staff.email) && m.subject.includes('Invoice'));
      expect(mail.subject).toBe(`[${SCHOOL}] Invoice <March>`);
      expect(mail.text).toContain('Jane Tester wrote to you about "Invoice <March>" (Emma Doe)');
      expect(mail.text).toContain(body.trim());
      expect(mail.html).toContain('Birch &amp; Maple &lt;Music&gt;');
      expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;<br>');
      expect(mail.html).not.toContain('<script>');
    }
    expect(sink.messages.filter((m) => m.to.includes(parentA.email))).toHaveLength(0);
    const [stored] = await stack.database.db.sql.query<{ topic: string }>('SELECT topic FROM conversations WHERE id = $1', [conversation.id]);
    expect(stored?.topic).toBe('billing');
  });

  it('lists conversations newest first with unread counts; reading the thread marks it read for that admin only', async () => {
    const started = (await call('POST', '/api/v1/messages', parentA, { to: 'school', subject: 'Parking', body: 'Where can we park?' })).json();
    await settle(started.notificationRunIds);

    const list = (await call('GET', '/api/v1/messages', admin)).json();
    expect(list.data.map((c: { subject: string }) => c.subject).slice(0, 2)).toEqual(['Parking', 'Invoice <March>']);
    expect(list.data[0]).toMatchObject({ unread: 1, lastMessage: 'Where can we park?', messageCount: 1 });
    const unreadBefore = list.unread;
    expect(unreadBefore).toBeGreaterThanOrEqual(2);

    const thread = await call('GET', `/api/v1/messages/${started.conversation.id}`, admin);
    expect(thread.statusCode).toBe(200);
    expect(thread.json()).toMatchObject({ id: started.conversation.id, unread: 0, messages: [{ body: 'Where can we park?' }] });
    expect((await call('GET', '/api/v1/messages', admin)).json().unread).toBe(unreadBefore - 1);
    expect((await call('GET', '/api/v1/messages', admin2)).json().unread).toBe(unreadBefore);

    const paged = (await call('GET', '/api/v1/messages?page=2&pageSize=1', parentA)).json();
    expect(paged).toMatchObject({ page: 2, pageSize: 1, total: 2, unread: 0 });
    expect(paged.data.map((c: { subject: string }) => c.subject)).toEqual(['Invoice <March>']);
  });

  it('an admin replies: the parent is told (e-mail, in-app), the thread grows, the parent’s unread count follows', async () => {
    const started = (await call('POST', '/api/v1/messages', parentA, { to: 'school', subject: 'Recital', body: 'When is the recital?' })).json();
    await settle(started.notificationRunIds);
    const id = started.conversation.id;

    const res = await call('POST', `/api/v1/messages/${id}/replies`, admin2, { body: 'On June 12 at 18:00.\nSee you there!' });
    expect(res.statusCode, res.body).toBe(201);
    const { message, notificationRunIds } = res.json();
    expect(message).toMatchObject({ conversationId: id, authorId: admin2.id, authorName: 'Grace Tester', authorRole: 'admin', body: 'On June 12 at 18:00.\nSee you there!' });
    expect(notificationRunIds).toHaveLength(1);
    await settle(notificationRunIds);

    const mail = await sink.waitFor((m) => m.to.includes(parentA.email) && m.subject.includes('Recital'));
    expect(mail.subject).toBe(`[${SCHOOL}] Re: Recital`);
    expect(mail.text).toContain('Hello Jane,');
    expect(mail.text).toContain('Grace Tester replied to "Recital"');
    expect(mail.html).toContain('On June 12 at 18:00.<br>');
    const inbox = (await call('GET', '/api/v1/notifications', parentA)).json();
    expect(inbox.data[0]).toMatchObject({ kind: 'message_received', data: { conversationId: id, isReply: true } });

    const list = (await call('GET', '/api/v1/messages', parentA)).json();
    expect(list.data[0]).toMatchObject({ id, unread: 1, messageCount: 2, lastMessage: 'On June 12 at 18:00.\nSee you there!' });
    expect(list.unread).toBe(1);
    const thread = (await call('GET', `/api/v1/messages/${id}`, parentA)).json();
    expect(thread.messages.map((m: { authorName: string }) => m.authorName)).toEqual(['Jane Tester', 'Grace Tester']);
    expect((await call('GET', '/api/v1/messages', parentA)).json().unread).toBe(0);

    // Another admin's reply is the school's side: not unread for the first admin.
    expect((await call('GET', '/api/v1/messages', admin)).json().data.find((c: { id: number }) => c.id === id).unread).toBe(1);
  });

  it('a parent writes to their child’s teacher, who replies; the school is not a side', async () => {
    const res = await call('POST', '/api/v1/messages', parentA, {
      to: { teacherId: teacherA.teacherId },
      subject: 'Practice',
      body: 'How long should Emma practise?',
      studentId: childA,
      topic: 'lesson',
    });
    expect(res.statusCode, res.body).toBe(201);
    const { conversation, notificationRunIds } = res.json();
    expect(conversation).toMatchObject({ withSchool: false, topic: 'lesson', teacher: { userId: teacherA.id, teacherId: teacherA.teacherId, name: 'Clara Tester' } });
    await settle(notificationRunIds);
    const mail = await sink.waitFor((m) => m.to.includes(teacherA.email));
    expect(mail.subject).toBe(`[${SCHOOL}] Practice`);

    const answer = await call('POST', `/api/v1/messages/${conversation.id}/replies`, teacherA, { body: 'Twenty minutes a day.' });
    expect(answer.statusCode).toBe(201);
    await settle(answer.json().notificationRunIds);
    await sink.waitFor((m) => m.to.includes(parentA.email) && m.subject === `[${SCHOOL}] Re: Practice`);

    // Admins see every conversation with scope=all, but are not a side of this one.
    const mine = (await call('GET', '/api/v1/messages', admin)).json().data.map((c: { id: number }) => c.id);
    expect(mine).not.toContain(conversation.id);
    const all = (await call('GET', '/api/v1/messages?scope=all', admin)).json().data.map((c: { id: number }) => c.id);
    expect(all).toContain(conversation.id);
    expect((await call('GET', `/api/v1/messages/${conversation.id}`, admin)).statusCode).toBe(200);
    const refused = await call('POST', `/api/v1/messages/${conversation.id}/replies`, admin, { body: 'Hi' });
    expect(refused.statusCode).toBe(403);
  });

  it('teachers and admins keep writing to families (the first release’s direct messages), by user id', async () => {
    const byTeacher = await call('POST', '/api/v1/messages', teacherA, { to: { userId: parentA.id }, subject: 'Scales', body: 'Scales daily, please.', channels: ['in_app'] });
    expect(byTeacher.statusCode, byTeacher.body).toBe(201);
    expect(byTeacher.json().conversation).toMatchObject({ withSchool: false, parent: { userId: parentA.id } });
    await settle(byTeacher.json().notificationRunIds);
    const inbox = (await call('GET', '/api/v1/notifications', parentA)).json();
    expect(inbox.data[0]).toMatchObject({ kind: 'message_received', title: `[${SCHOOL}] Scales` });

    const byAdmin = await call('POST', '/api/v1/messages', admin, { to: { userId: teacherB.id }, subject: 'Timetable', body: 'New rooms from Monday.' });
    expect(byAdmin.json().conversation).toMatchObject({ withSchool: true, teacher: { userId: teacherB.id }, parent: null });
    const toSchool = await call('POST', '/api/v1/messages', teacherB, { to: { userId: admin.id }, subject: 'Sick', body: 'I am ill today.' });
    expect(toSchool.json().conversation).toMatchObject({ withSchool: true, teacher: { userId: teacherB.id } });
    expect(toSchool.json().notificationRunIds).toHaveLength(2);
    const [audit] = await stack.database.db.sql.query<{ actor_id: number; after: { subject: string } }>(
      `SELECT actor_id, after FROM audit_log WHERE entity = 'conversation' AND entity_id = $1`,
      [String(byAdmin.json().conversation.id)],
    );
    expect(audit).toMatchObject({ actor_id: admin.id, after: { subject: 'Timetable', topic: 'general' } });
  });

  it('keeps families apart: another family’s conversation is not found, listed or answerable', async () => {
    const own = (await call('POST', '/api/v1/messages', parentA, { to: 'school', subject: 'Private', body: 'Our own matter.' })).json().conversation.id;
    expect((await call('GET', `/api/v1/messages/${own}`, parentB)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/messages/${own}`, teacherB)).statusCode).toBe(404);
    const reply = await call('POST', `/api/v1/messages/${own}/replies`, parentB, { body: 'Hello' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json().error.code).toBe('not_found');
    expect((await call('GET', '/api/v1/messages', parentB)).json()).toMatchObject({ total: 0, data: [] });
    // Row-level security agrees: as parent B the table holds none of parent A's rows.
    const seen = await asCaller(stack.database.db, { userId: parentB.id, role: 'parent' }, (orm) =>
      sqlExecutorOf(orm).query<{ n: number }>('SELECT count(*)::int AS n FROM conversation_messages'),
    );
    expect(seen).toEqual([{ n: 0 }]);
  });

  it('refuses who may not write, and bad input, naming the field, with nothing stored', async () => {
    const before = await counts();
    const ok = { subject: 'Hello', body: 'Text' };
    const teacherOfOther = await call('POST', '/api/v1/messages', parentA, { to: { teacherId: teacherB.teacherId }, ...ok });
    expect(teacherOfOther.statusCode).toBe(403);
    expect(teacherOfOther.json().error.code).toBe('forbidden');
    expect((await call('POST', '/api/v1/messages', parentA, { to: { userId: parentB.id }, ...ok })).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/messages', teacherA, { to: { userId: parentB.id }, ...ok })).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/messages', teacherA, { to: { teacherId: teacherB.teacherId }, ...ok })).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/messages', undefined, { to: 'school', ...ok })).statusCode).toBe(401);

    expect(fields(await call('POST', '/api/v1/messages', parentA, { to: 'school', subject: 'x', body: '   ' }))).toEqual(['body.body']);
    const tooLong = await call('POST', '/api/v1/messages', parentA, { to: 'school', subject: 'x', body: 'a'.repeat(5001) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details).toEqual([{ field: 'body.body', message: 'must be at most 5000 characters' }]);
    expect((await call('POST', '/api/v1/messages', parentA, { to: 'school', subject: 'x', body: 'a'.repeat(5000) })).statusCode).toBe(201);
    expect(fields(await call('POST', '/api/v1/messages', parentA, { to: 'teacher', subject: '', body: 'x', topic: 'gossip' }))?.sort()).toEqual([
      'body.subject',
      'body.to',
      'body.topic',
    ]);
    expect(fields(await call('POST', '/api/v1/messages', parentA, { to: { teacherId: 'one' }, ...ok }))).toEqual(['body.to']);
    expect(fields(await call('POST', '/api/v1/messages', admin, { to: 'school', ...ok }))).toEqual(['body.to']);
    expect(fields(await call('POST', '/api/v1/messages', admin, { to: { userId: admin.id }, ...ok }))).toEqual(['body.to']);
    expect(fields(await call('POST', '/api/v1/messages', parentA, { to: 'school', ...ok, studentId: childB }))).toEqual(['body.studentId']);
    expect(fields(await call('POST', '/api/v1/messages', admin, { to: { userId: teacherA.id }, ...ok, studentId: childB }))).toEqual(['body.studentId']);
    expect((await call('POST', '/api/v1/messages', admin, { to: { userId: 2_000_000_000 }, ...ok })).statusCode).toBe(404);
    expect((await call('POST', '/api/v1/messages', parentA, { to: { teacherId: 2_000_000_000 }, ...ok })).statusCode).toBe(404);

    const own = (await call('GET', '/api/v1/messages', parentA)).json().data[0].id;
    expect(fields(await call('POST', `/api/v1/messages/${own}/replies`, parentA, { body: '' }))).toEqual(['body.body']);
    expect(fields(await call('POST', `/api/v1/messages/${own}/replies`, parentA, { body: 'x'.repeat(5001) }))).toEqual(['body.body']);
    expect(fields(await call('POST', `/api/v1/messages/${own}/replies`, parentA, { body: 'x', extra: 1 }))).toEqual(['body']);
    expect(fields(await call('POST', '/api/v1/messages/abc/replies', parentA, { body: 'x' }))).toEqual(['params.conversationId']);
    expect((await call('POST', '/api/v1/messages/2000000000/replies', parentA, { body: 'x' })).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/messages/2000000000', parentA)).statusCode).toBe(404);
    expect(fields(await call('GET', '/api/v1/messages?scope=everything', admin))).toEqual(['querystring.scope']);

    const after = await counts();
    expect(after).toEqual({ conversations: (before?.conversations ?? 0) + 1, messages: (before?.messages ?? 0) + 1 });
  });
});
