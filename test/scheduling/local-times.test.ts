import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSchool, fieldsOf, type School } from './helpers.js';

// Plain dates and local date-times without an offset are read in the school's zone (America/Halifax):
// ADT (UTC−3) until 2027-11-07 02:00, AST (UTC−4) after; answers carry the offset.

let s: School;
beforeAll(async () => {
  s = await createSchool();
});
afterAll(async () => {
  await s?.t.close();
});

const book = (scheduledAt: string) => call(s.t, s.admin, 'POST', '/api/v1/lessons', { studentId: s.studentId, teacherId: s.teacher.teacherId, scheduledAt, durationMinutes: 30 });

describe('local date-times without an offset', () => {
  it('books 2027-11-08T16:00 at 16:00 Halifax time after the change (UTC−4) and 2027-11-05T16:00 before it (UTC−3)', async () => {
    const after = await book('2027-11-08T16:00');
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    expect(after.body.scheduledAt).toBe('2027-11-08T16:00:00-04:00');
    expect(new Date(after.body.scheduledAt).toISOString()).toBe('2027-11-08T20:00:00.000Z');
    const before = await book('2027-11-05T16:00');
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    expect(before.body.scheduledAt).toBe('2027-11-05T16:00:00-03:00');
    expect(new Date(before.body.scheduledAt).toISOString()).toBe('2027-11-05T19:00:00.000Z');
  });

  it('reads seconds and fractions, and keeps instants with an offset or Z as they were', async () => {
    const seconds = await book('2027-10-04T10:15:00');
    expect(seconds.body.scheduledAt).toBe('2027-10-04T10:15:00-03:00');
    const zulu = await book('2027-10-05T13:15:00Z');
    expect(zulu.body.scheduledAt).toBe('2027-10-05T10:15:00-03:00');
  });

  it('reschedules, checks conflicts and adds time off with local times', async () => {
    const lesson = await book('2027-11-10T16:00');
    const clash = await call(s.t, s.admin, 'POST', '/api/v1/lessons/check-conflicts', { teacherId: s.teacher.teacherId, scheduledAt: '2027-11-10T16:15' });
    expect(clash.body.ok).toBe(false);
    const moved = await call(s.t, s.admin, 'POST', `/api/v1/lessons/${lesson.body.id}/reschedule`, { scheduledAt: '2027-11-11T17:00' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.lesson.scheduledAt).toBe('2027-11-11T17:00:00-04:00');
    const off = await call(s.t, s.admin, 'POST', `/api/v1/teachers/${s.teacher.teacherId}/time-off`, { startsAt: '2027-11-11', endsAt: '2027-11-12', reason: 'Trip' });
    expect(off.status, JSON.stringify(off.body)).toBe(201);
    const timeOff = off.body.timeOff ?? off.body;
    expect(new Date(timeOff.startsAt).toISOString()).toBe('2027-11-11T04:00:00.000Z');
    expect(new Date(timeOff.endsAt).toISOString()).toBe('2027-11-12T04:00:00.000Z');
    expect((off.body.affectedLessons as { id: number }[]).map((l) => l.id)).toEqual([moved.body.lesson.id]);
  });

  it('lists lessons from a plain date (its start in the school zone) to a local date-time', async () => {
    const list = await call(s.t, s.admin, 'GET', '/api/v1/lessons?from=2027-11-08&to=2027-11-08T16:30');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect((list.body.data as { scheduledAt: string }[]).map((l) => l.scheduledAt)).toEqual(['2027-11-08T16:00:00-04:00']);
  });

  it('follows the zone setting when it changes', async () => {
    const put = await call(s.t, s.admin, 'PUT', '/api/v1/settings/timezone', { value: 'Europe/Paris' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    try {
      const list = await call(s.t, s.admin, 'GET', `/api/v1/audit?from=2027-01-01T00:00&entity=lesson`);
      expect(list.status, JSON.stringify(list.body)).toBe(200);
      const checked = await call(s.t, s.admin, 'POST', '/api/v1/lessons/check-conflicts', { teacherId: s.teacher.teacherId, scheduledAt: '2027-11-08T21:15' });
      // 21:15 in Paris is 16:15 in Halifax: inside the 16:00 lesson.
      expect(checked.body.ok).toBe(false);
    } finally {
      await call(s.t, s.admin, 'PUT', '/api/v1/settings/timezone', { value: 'America/Halifax' });
    }
  });

  it('refuses local date-times that do not exist on the calendar, naming the field', async () => {
    for (const bad of ['2027-13-01T16:00', '2027-02-30T16:00', '2027-11-08T25:00', '2027-11-08 16:00', '2027-11-08T16']) {
      const res = await book(bad);
      expect(res.status, bad).toBe(400);
      expect(fieldsOf(res.body), bad).toEqual(['body.scheduledAt']);
    }
  });
});
