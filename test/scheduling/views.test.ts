import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSchool, fieldsOf, insertStudent, lessonBody, nextMonday, zone, type School } from './helpers.js';

let s: School;
let monday: DateTime;
let mondayStudent: number;
beforeAll(async () => {
  s = await createSchool();
  monday = DateTime.fromISO(nextMonday(3, '16:00'), { zone });
  mondayStudent = await insertStudent(s.db, s.parent.id, s.mondayTeacher.teacherId);
  const booked = await call(s.t, s.admin, 'POST', '/api/v1/lessons', {
    ...lessonBody(s, monday.toISO()!),
    studentId: mondayStudent,
    teacherId: s.mondayTeacher.teacherId,
  });
  expect(booked.status).toBe(201);
});
afterAll(async () => {
  await s?.t.close();
});

describe('GET /api/v1/lessons and the schedule view', () => {
  it('filters by teacher, range, status and type, with the list envelope', async () => {
    const from = encodeURIComponent(monday.startOf('day').toISO()!);
    const to = encodeURIComponent(monday.endOf('day').toISO()!);
    const res = await call(s.t, s.admin, 'GET', `/api/v1/lessons?teacherId=${s.mondayTeacher.teacherId}&from=${from}&to=${to}&status=scheduled&type=regular`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 50, total: 1 });
    expect(res.body.data[0]).toMatchObject({ teacherId: s.mondayTeacher.teacherId, scheduledAt: expect.stringMatching(/T16:00:00-0[34]:00$/) });
    expect((await call(s.t, s.admin, 'GET', `/api/v1/lessons?teacherId=${s.mondayTeacher.teacherId}&status=cancelled`)).body.total).toBe(0);
    expect((await call(s.t, s.admin, 'GET', '/api/v1/lessons?from=yesterday')).status).toBe(400);
    // A teacher sees only their own lessons.
    expect((await call(s.t, s.teacher, 'GET', `/api/v1/lessons?teacherId=${s.mondayTeacher.teacherId}`)).body.total).toBe(0);
    expect((await call(s.t, s.mondayTeacher, 'GET', '/api/v1/lessons')).body.total).toBe(1);
  });

  it('buckets a week by local date in the school zone', async () => {
    const res = await call(s.t, s.parent, 'GET', `/api/v1/lessons/schedule/view?view=week&date=${monday.plus({ days: 2 }).toISODate()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ view: 'week', timezone: zone, from: monday.toISODate(), to: monday.plus({ days: 6 }).toISODate() });
    expect(res.body.days).toHaveLength(7);
    expect(res.body.days[0].lessons).toHaveLength(1);
    expect(res.body.days.slice(1).every((d: { lessons: unknown[] }) => d.lessons.length === 0)).toBe(true);
    expect((await call(s.t, s.otherParent, 'GET', `/api/v1/lessons/schedule/view?view=day&date=${monday.toISODate()}`)).body.days[0].lessons).toEqual([]);
    const month = await call(s.t, s.admin, 'GET', `/api/v1/lessons/schedule/view?view=month&date=${monday.toISODate()}`);
    expect(month.body.days).toHaveLength(monday.daysInMonth!);
  });
});

describe('GET /api/v1/teachers/{id}/availability', () => {
  it('lists weekly hours and free slots around booked lessons', async () => {
    const res = await call(s.t, s.parent, 'GET', `/api/v1/teachers/${s.mondayTeacher.teacherId}/availability?from=${monday.toISODate()}&to=${monday.toISODate()}&duration=30`);
    expect(res.status).toBe(200);
    expect(res.body.weeklyHours).toEqual([{ weekday: 1, startTime: '16:00', endTime: '18:00' }]);
    expect(res.body.slots.map((x: { startsAt: string }) => x.startsAt.slice(11, 16))).toEqual(['16:30', '17:00', '17:30']);
    expect(res.body.slots[0]).toEqual({ teacherId: s.mondayTeacher.teacherId, startsAt: expect.any(String), endsAt: expect.any(String) });
    expect((await call(s.t, s.parent, 'GET', '/api/v1/teachers/999999/availability')).status).toBe(404);
    expect((await call(s.t, null, 'GET', `/api/v1/teachers/${s.mondayTeacher.teacherId}/availability`)).status).toBe(401);
  });
});

describe('GET /api/v1/public/timeslots', () => {
  it('answers without a token with slots of teachers of the instrument', async () => {
    const res = await call(
      s.t,
      null,
      'GET',
      `/api/v1/public/timeslots?instrument=piano&teacherId=${s.mondayTeacher.teacherId}&from=${monday.toISODate()}&to=${monday.toISODate()}&duration=30`,
    );
    expect(res.status).toBe(200);
    expect(res.body.data.map((x: { startsAt: string }) => x.startsAt.slice(11, 16))).toEqual(['16:30', '17:00', '17:30']);
    const all = await call(s.t, null, 'GET', `/api/v1/public/timeslots?instrument=piano&from=${monday.toISODate()}&to=${monday.toISODate()}`);
    const teachers = new Set(all.body.data.map((x: { teacherId: number }) => x.teacherId));
    expect(teachers).toEqual(new Set([s.teacher.teacherId, s.mondayTeacher.teacherId]));
    const starts = all.body.data.map((x: { startsAt: string }) => Date.parse(x.startsAt));
    expect(starts).toEqual([...starts].sort((a: number, b: number) => a - b));
  });

  it('refuses bad input naming the field', async () => {
    const field = async (query: string) => fieldsOf((await call(s.t, null, 'GET', `/api/v1/public/timeslots?${query}`)).body);
    expect(await field('instrument=kazoo')).toEqual(['querystring.instrument']);
    expect(await field('')).toEqual(['querystring.instrument']);
    expect(await field('instrument=piano&duration=25')).toEqual(['querystring.duration']);
    expect(await field('instrument=piano&from=2030-01-01&to=2030-03-01')).toEqual(['querystring.to']);
    expect(await field('instrument=piano&from=2030-01-01T25:00')).toEqual(['querystring.from']);
  });
});

describe('public timeslots rate limit', () => {
  it('answers 429 past PUBLIC_RATE_LIMIT_MAX requests a minute', async () => {
    const limited = await createSchool({ PUBLIC_RATE_LIMIT_MAX: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await call(limited.t, null, 'GET', '/api/v1/public/timeslots?instrument=piano')).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await limited.t.close();
    }
  });
});
