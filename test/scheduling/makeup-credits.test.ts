/**
 * GET /makeup-credits lists credits with status and expiry (admin all; parent their children's;
 * teacher their students'); booking a make-up lesson may name the credit and says which it used;
 * another family's credit, a used or an expired one are refused with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisruptedSchool, type DisruptedSchool } from './disruption-fixture.js';
import { call, fieldsOf, type TestUser } from './helpers.js';

let s: DisruptedSchool;
let clara: TestUser;
let oscar: TestUser;
let emma: number;
let noah: number;
let lia: number;
/** Credits by student, oldest first. */
const credits: Record<string, number[]> = {};

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const lessonCount = async (): Promise<number> => (await s.sql<{ n: number }>('SELECT count(*)::int AS n FROM lessons'))[0]!.n;
const list = async (user: TestUser, query = '') => call(s.stack, user, 'GET', `/api/v1/makeup-credits${query}`);

/** Books a lesson for the student with its teacher and has the school cancel it; returns the credit. */
async function creditFor(studentId: number, teacher: TestUser, scheduledAt: string): Promise<number> {
  const booked = await call(s.stack, s.admin, 'POST', '/api/v1/lessons', { studentId, teacherId: teacher.teacherId, scheduledAt, durationMinutes: 30 });
  expect(booked.status).toBe(201);
  const cancelled = await call(s.stack, s.admin, 'POST', `/api/v1/lessons/${booked.body.id}/cancel`, { reason: 'Teacher ill' });
  expect(cancelled.status).toBe(200);
  return cancelled.body.makeupCreditId;
}

beforeAll(async () => {
  s = await createDisruptedSchool();
  clara = await s.teacher('Clara');
  oscar = await s.teacher('Oscar');
  emma = await s.student(s.parent.id, clara.teacherId!, 'Emma');
  lia = await s.student(s.parent.id, oscar.teacherId!, 'Lia');
  noah = await s.student(s.otherParent.id, clara.teacherId!, 'Noah');
  credits.emma = [await creditFor(emma, clara, '2027-10-04T16:00:00-03:00'), await creditFor(emma, clara, '2027-10-11T16:00:00-03:00')];
  credits.noah = [await creditFor(noah, clara, '2027-10-05T16:00:00-03:00')];
  credits.lia = [await creditFor(lia, oscar, '2027-10-06T16:00:00-03:00')];
}, 60_000);
afterAll(async () => {
  await s?.close();
});

describe('GET /api/v1/makeup-credits', () => {
  it('shows each credit with status and expiry, to whom it concerns', async () => {
    const all = await list(s.admin);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(4);
    const first = all.body.data.find((c: { id: number }) => c.id === credits.emma![0]);
    expect(first).toMatchObject({ studentId: emma, studentName: 'Emma Pupil', status: 'open', usedLessonId: null, reason: 'Cancelled by the school: Teacher ill' });
    expect(first.grantedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[34]:00$/);
    expect(first.expiresOn).toBe(addDays(first.grantedAt.slice(0, 10), 90));
    expect(first.expiresAt).toMatch(new RegExp(`^${addDays(first.expiresOn, 1)}T00:00:00-0[34]:00$`));

    const ids = (res: { body: { data: { id: number }[] } }): number[] => res.body.data.map((c) => c.id).sort((a, b) => a - b);
    expect(ids(await list(s.parent))).toEqual([...credits.emma!, ...credits.lia!].sort((a, b) => a - b));
    expect(ids(await list(s.otherParent))).toEqual(credits.noah);
    expect(ids(await list(clara))).toEqual([...credits.emma!, ...credits.noah!].sort((a, b) => a - b));
    expect(ids(await list(oscar))).toEqual(credits.lia);
    expect(ids(await list(s.parent, `?studentId=${lia}`))).toEqual(credits.lia);

    const foreign = await list(s.parent, `?studentId=${noah}`);
    expect(foreign.status).toBe(404);
    expect(fieldsOf(foreign.body)).toEqual(['querystring.studentId']);
    expect(fieldsOf((await list(s.admin, '?status=lost')).body)).toEqual(['querystring.status']);
  });
});

describe('booking a make-up lesson with a credit', () => {
  it('uses the credit named, says so, and refuses another family’s, a used or an expired one with nothing changed', async () => {
    const makeup = (creditId: number | undefined, scheduledAt: string, user: TestUser = s.admin) =>
      call(s.stack, user, 'POST', '/api/v1/lessons', {
        studentId: emma,
        teacherId: clara.teacherId,
        scheduledAt,
        durationMinutes: 30,
        lessonType: 'makeup',
        ...(creditId === undefined ? {} : { makeupCreditId: creditId }),
      });
    const [older, newer] = credits.emma!;

    const booked = await makeup(newer, '2027-10-20T16:00:00-03:00');
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ lessonType: 'makeup', makeupCreditId: newer });
    const used = await list(s.admin, `?studentId=${emma}&status=used`);
    expect(used.body.data).toEqual([expect.objectContaining({ id: newer, status: 'used', usedLessonId: booked.body.id })]);

    const before = await lessonCount();
    const otherFamily = await makeup(credits.noah![0], '2027-10-21T16:00:00-03:00');
    expect(otherFamily.status).toBe(409);
    expect(fieldsOf(otherFamily.body)).toEqual(['body.makeupCreditId']);
    const unseen = await makeup(credits.lia![0], '2027-10-21T16:00:00-03:00', clara);
    expect(unseen.status).toBe(404);
    expect(fieldsOf(unseen.body)).toEqual(['body.makeupCreditId']);
    const again = await makeup(newer, '2027-10-21T16:00:00-03:00');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already used/);
    const regular = await call(s.stack, s.admin, 'POST', '/api/v1/lessons', {
      studentId: emma,
      teacherId: clara.teacherId,
      scheduledAt: '2027-10-21T16:00:00-03:00',
      makeupCreditId: older,
    });
    expect(regular.status).toBe(400);
    expect(fieldsOf(regular.body)).toEqual(['body.makeupCreditId']);

    // Time passes: the older credit's last day is long gone (set directly, as the clock cannot be moved).
    await s.sql(`UPDATE makeup_credits SET expires_on = '2025-01-31' WHERE id = $1`, [older]);
    const expired = await list(s.parent, `?studentId=${emma}&status=expired`);
    expect(expired.body.data).toEqual([expect.objectContaining({ id: older, status: 'expired', expiresOn: '2025-01-31', expiresAt: '2025-02-01T00:00:00-04:00' })]);
    const withExpired = await makeup(older, '2027-10-21T16:00:00-03:00');
    expect(withExpired.status).toBe(409);
    expect(fieldsOf(withExpired.body)).toEqual(['body.makeupCreditId']);
    expect(withExpired.body.error.message).toMatch(/expired on 2025-01-31/);
    const anyCredit = await makeup(undefined, '2027-10-21T16:00:00-03:00');
    expect(anyCredit.status).toBe(409);

    expect(await lessonCount()).toBe(before);
    expect((await list(s.otherParent)).body.data.map((c: { status: string }) => c.status)).toEqual(['open']);
  });
});

describe('the makeupCreditExpiryDays setting', () => {
  it('sets the expiry of new credits; 0 is refused', async () => {
    const put = (value: unknown) => s.stack.app.inject({ method: 'PUT', url: '/api/v1/settings/makeupCreditExpiryDays', headers: s.admin.headers, payload: { value } });
    expect((await put(0)).statusCode).toBe(400);
    expect((await put(30)).statusCode).toBe(200);
    const id = await creditFor(noah, clara, '2027-10-12T16:00:00-03:00');
    const [credit] = (await list(s.admin, `?studentId=${noah}&status=open`)).body.data.filter((c: { id: number }) => c.id === id);
    expect(credit.expiresOn).toBe(addDays(credit.grantedAt.slice(0, 10), 30));
  });
});
