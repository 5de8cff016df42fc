import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSchool, inDays, lessonBody, type School } from './helpers.js';

let s: School;
let mine: { id: number; scheduledAt: string };
let theirs: { id: number; scheduledAt: string };
beforeAll(async () => {
  s = await createSchool();
  mine = (await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, inDays(6, '16:00')))).body;
  theirs = (await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...lessonBody(s, inDays(6, '17:00')), studentId: s.otherStudentId })).body;
});
afterAll(async () => {
  await s?.t.close();
});

/** 'YYYYMMDDTHHMMSSZ' of an ISO instant. */
const icsUtc = (iso: string): string =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const pathOf = (url: string): string => new URL(url).pathname;

describe('calendar feeds', () => {
  it("gives a parent a secret link to the family's lessons only, with UTC times", async () => {
    const created = await call(s.t, s.parent, 'POST', '/api/v1/calendar/feeds', {});
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ownerKind: 'parent', ownerId: s.parent.id, revokedAt: null, token: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const feed = await call(s.t, null, 'GET', pathOf(created.body.url));
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    const events = feed.text.split('BEGIN:VEVENT').slice(1);
    expect(events).toHaveLength(1);
    expect(events[0]).toContain(`UID:lesson-${mine.id}@cedar-heights`);
    expect(events[0]).toContain(`DTSTART:${icsUtc(mine.scheduledAt)}`);
    expect(events[0]).toMatch(/DTEND:\d{8}T\d{6}Z/);
    expect(events[0]).toContain('STATUS:CONFIRMED');
    expect(feed.text).not.toContain('Noah');
    const stored = await s.db.sql.query<{ token_hash: string }>('SELECT token_hash FROM calendar_feeds WHERE id = $1', [created.body.id]);
    expect(stored[0]!.token_hash).not.toBe(created.body.token);
  });

  it('gives a teacher their lessons; cancelled ones stay as STATUS:CANCELLED', async () => {
    const created = await call(s.t, s.teacher, 'POST', '/api/v1/calendar/feeds', {});
    expect(created.body).toMatchObject({ ownerKind: 'teacher', ownerId: s.teacher.teacherId });
    await call(s.t, s.admin, 'POST', `/api/v1/lessons/${theirs.id}/cancel`, {});
    const text = (await call(s.t, null, 'GET', pathOf(created.body.url))).text;
    expect(text.split('BEGIN:VEVENT')).toHaveLength(3);
    expect(text).toContain(`DTSTART:${icsUtc(theirs.scheduledAt)}`);
    expect(text).toContain('STATUS:CANCELLED');
  });

  it('revokes: the link answers 404 afterwards; others cannot revoke it', async () => {
    const created = await call(s.t, s.parent, 'POST', '/api/v1/calendar/feeds', {});
    const url = pathOf(created.body.url);
    expect((await call(s.t, s.otherParent, 'DELETE', `/api/v1/calendar/feeds/${created.body.id}`)).status).toBe(404);
    expect((await call(s.t, s.parent, 'DELETE', `/api/v1/calendar/feeds/${created.body.id}`)).status).toBe(204);
    expect((await call(s.t, null, 'GET', url)).status).toBe(404);
    expect((await call(s.t, null, 'GET', `/api/v1/calendar/${'0'.repeat(64)}.ics`)).status).toBe(404);
    const listed = await call(s.t, s.parent, 'GET', '/api/v1/calendar/feeds');
    expect(listed.body.data.find((f: { id: number }) => f.id === created.body.id).revokedAt).toEqual(expect.any(String));
  });

  it('lets only an admin make a feed for someone else', async () => {
    expect((await call(s.t, s.parent, 'POST', '/api/v1/calendar/feeds', { ownerKind: 'parent', ownerId: s.otherParent.id })).status).toBe(403);
    expect((await call(s.t, s.admin, 'POST', '/api/v1/calendar/feeds', {})).status).toBe(400);
    const made = await call(s.t, s.admin, 'POST', '/api/v1/calendar/feeds', { ownerKind: 'parent', ownerId: s.otherParent.id });
    expect(made.status).toBe(201);
    const text = (await call(s.t, null, 'GET', pathOf(made.body.url))).text;
    expect(text).toContain(`UID:lesson-${theirs.id}@cedar-heights`);
    expect(text).not.toContain(`UID:lesson-${mine.id}@`);
  });
});
