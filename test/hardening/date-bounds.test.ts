import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSchool, fieldsOf, inDays, insertLesson, type School } from '../scheduling/helpers.js';

// Year 0000 does not exist in PostgreSQL and year 9999 plus a lesson's length overflows: both used
// to answer 500. Every date the API accepts lies in 1900-01-01..2100-12-31, every instant in
// 1970-01-01T00:00:00Z..2100-12-31T23:59:59.999Z; outside is a 400 naming the field.

let s: School;
let lessonId: number;
beforeAll(async () => {
  s = await createSchool();
  lessonId = await insertLesson(s.db, { studentId: s.studentId, teacherId: s.teacher.teacherId!, at: inDays(10) });
});
afterAll(async () => {
  await s?.t.close();
});

const DATE_MESSAGE = 'must be a date from 1900-01-01 to 2100-12-31';
const INSTANT_MESSAGE = 'must be an instant from 1970-01-01T00:00:00Z to 2100-12-31T23:59:59.999Z';

function expectRefused(res: { status: number; body: any }, field: string, message: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(fieldsOf(res.body)).toContain(field);
  expect(res.body.error.details.find((d: { field: string }) => d.field === field).message).toBe(message);
}

describe('dates (YYYY-MM-DD)', () => {
  it.each(['0000-01-01', '1899-12-31', '2101-01-01', '9999-12-31'])('refuses %s in academic years, closures, schedule views and availability', async (day) => {
    expectRefused(await call(s.t, s.admin, 'POST', '/api/v1/academic-years', { name: `Y ${day}`, startsOn: day, endsOn: '2030-06-30' }), 'body.startsOn', DATE_MESSAGE);
    expectRefused(await call(s.t, s.admin, 'POST', '/api/v1/academic-years', { name: `Y ${day}`, startsOn: '2030-01-01', endsOn: day }), 'body.endsOn', DATE_MESSAGE);
    expectRefused(await call(s.t, s.admin, 'POST', '/api/v1/closures', { name: `C ${day}`, startsOn: day, endsOn: day }), 'body.startsOn', DATE_MESSAGE);
    expectRefused(await call(s.t, s.admin, 'GET', `/api/v1/closures?from=${day}`), 'querystring.from', DATE_MESSAGE);
    expectRefused(await call(s.t, s.admin, 'GET', `/api/v1/lessons/schedule/view?date=${day}`), 'querystring.date', DATE_MESSAGE);
    expect((await call(s.t, s.admin, 'GET', `/api/v1/teachers/${s.teacher.teacherId}/availability?from=${day}`)).status).toBe(400);
  });

  it("refuses a student's date of birth in year 0000", async () => {
    const body = { parentId: s.parent.id, firstName: 'Old', lastName: 'Timer', dateOfBirth: '0000-01-01', instrument: 'piano', lessonRateCents: 4500 };
    expectRefused(await call(s.t, s.admin, 'POST', '/api/v1/students', body), 'body.dateOfBirth', DATE_MESSAGE);
    expectRefused(await call(s.t, s.admin, 'PATCH', `/api/v1/students/${s.studentId}`, { dateOfBirth: '0000-01-01' }), 'body.dateOfBirth', DATE_MESSAGE);
  });

  it('accepts the first and last day of the range, and answers periods that run past it', async () => {
    const year = await call(s.t, s.admin, 'POST', '/api/v1/academic-years', { name: 'Far future', startsOn: '2100-09-01', endsOn: '2100-12-31' });
    expect(year.status).toBe(201);
    expect((await call(s.t, s.admin, 'POST', '/api/v1/closures', { name: 'Last day', startsOn: '2100-12-31', endsOn: '2100-12-31' })).status).toBe(201);
    expect((await call(s.t, s.admin, 'POST', '/api/v1/closures', { name: 'First day', startsOn: '1900-01-01', endsOn: '1900-01-01' })).status).toBe(201);
    const week = await call(s.t, s.admin, 'GET', '/api/v1/lessons/schedule/view?view=week&date=2100-12-31');
    expect(week.status).toBe(200);
    expect(week.body.to > '2100-12-31').toBe(true);
  });
});

describe('instants (ISO 8601 with offset)', () => {
  it.each(['0000-01-01T10:00:00Z', '1969-12-31T23:59:59Z', '2101-01-01T00:00:00Z', '9999-12-31T23:00:00Z'])(
    'refuses %s in conflict checks, reschedules, time off and lists',
    async (at) => {
      expectRefused(await call(s.t, s.admin, 'POST', '/api/v1/lessons/check-conflicts', { teacherId: s.teacher.teacherId, scheduledAt: at }), 'body.scheduledAt', INSTANT_MESSAGE);
      expectRefused(await call(s.t, s.admin, 'POST', `/api/v1/lessons/${lessonId}/reschedule`, { scheduledAt: at }), 'body.scheduledAt', INSTANT_MESSAGE);
      expectRefused(
        await call(s.t, s.admin, 'POST', `/api/v1/teachers/${s.teacher.teacherId}/time-off`, { startsAt: at, endsAt: '2030-01-01T00:00:00Z' }),
        'body.startsAt',
        INSTANT_MESSAGE,
      );
      expectRefused(await call(s.t, s.admin, 'GET', `/api/v1/lessons?from=${encodeURIComponent(at)}`), 'querystring.from', INSTANT_MESSAGE);
      expectRefused(await call(s.t, s.admin, 'GET', `/api/v1/audit?to=${encodeURIComponent(at)}`), 'querystring.to', INSTANT_MESSAGE);
    },
  );

  it('keeps naming a malformed instant once, without the range message', async () => {
    const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons/check-conflicts', { teacherId: s.teacher.teacherId, scheduledAt: 'soon' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { field: 'body.scheduledAt', message: 'must be an instant in ISO 8601 with an offset (Z or ±HH:MM), a local date-time (2027-01-04T16:00) or a date' },
    ]);
  });
});
