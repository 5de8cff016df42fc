import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoInZone } from '../../src/modules/scheduling/local-time.js';
import { auditRows, call, createWorld, fieldsOf, yearsAgo, type World } from './helpers.js';

const zone = 'America/Halifax';

let w: World;
let hoursUrl: string;
beforeAll(async () => {
  w = await createWorld();
  hoursUrl = `/api/v1/teachers/${w.teacher.teacherId}/availability`;
});
afterAll(async () => {
  await w?.t.close();
});

const week = [
  { weekday: 1, start: '15:00', end: '18:00' },
  { weekday: 1, start: '18:00', end: '20:30' },
  { weekday: 6, start: '09:00', end: '13:00' },
];

describe('PUT /api/v1/teachers/{id}/availability', () => {
  it('replaces the weekly hours (local school time), audited with before/after', async () => {
    const res = await call(w.t, w.admin, 'PUT', hoursUrl, week);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ teacherId: w.teacher.teacherId, timezone: 'America/Halifax', weeklyHours: week });
    const replaced = await call(w.t, w.teacher, 'PUT', hoursUrl, { weeklyHours: [{ weekday: 3, start: '10:00', end: '24:00' }] });
    expect(replaced.status).toBe(200);
    expect(replaced.body.weeklyHours).toEqual([{ weekday: 3, start: '10:00', end: '24:00' }]);
    const rows = await w.t.database.db.sql.query(`SELECT weekday FROM teacher_availability WHERE teacher_id = $1`, [w.teacher.teacherId]);
    expect(rows).toHaveLength(1);
    const audit = await auditRows(w.t, 'teacher_availability', w.teacher.teacherId!);
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({ action: 'update', actor_id: w.teacher.id, before: week });
    const profile = await call(w.t, w.teacher, 'GET', `/api/v1/teachers/${w.teacher.teacherId}`);
    expect(profile.body.weeklyHours).toEqual([{ weekday: 3, start: '10:00', end: '24:00' }]);
  });

  it('an empty list clears the hours', async () => {
    const res = await call(w.t, w.admin, 'PUT', `/api/v1/teachers/${w.otherTeacher.teacherId}/availability`, []);
    expect(res.status).toBe(200);
    expect(res.body.weeklyHours).toEqual([]);
  });

  it.each([
    [[{ weekday: 2, start: '17:00', end: '16:00' }], 'body.0.end', /after start/],
    [[{ weekday: 2, start: '17:00', end: '17:00' }], 'body.0.end', /after start/],
    [
      [
        { weekday: 2, start: '15:00', end: '18:00' },
        { weekday: 3, start: '9:00', end: '12:00' },
      ],
      'body.1.start',
      /HH:MM/,
    ],
    [[{ weekday: 8, start: '15:00', end: '18:00' }], 'body.0.weekday', /7/],
    [[{ weekday: 0, start: '15:00', end: '18:00' }], 'body.0.weekday', /1/],
    [[{ weekday: 2, start: '15:00', end: '25:00' }], 'body.0.end', /HH:MM/],
    [
      [
        { weekday: 2, start: '15:00', end: '18:00' },
        { weekday: 2, start: '17:30', end: '19:00' },
      ],
      'body.1',
      /overlaps entry 0/,
    ],
    [
      [
        { weekday: 4, start: '12:00', end: '14:00' },
        { weekday: 4, start: '09:00', end: '17:00' },
      ],
      'body.1',
      /overlaps entry 0/,
    ],
    [
      {
        weeklyHours: [
          { weekday: 5, start: '10:00', end: '12:00' },
          { weekday: 5, start: '10:00', end: '11:00' },
        ],
      },
      'body.weeklyHours.1',
      /overlaps/,
    ],
    [{ weeklyHours: [{ weekday: 5, start: '13:00', end: '12:00' }] }, 'body.weeklyHours.0.end', /after start/],
    // The body is a list or {weeklyHours}: an object names what it lacks, a list item what is wrong in it.
    [{ hours: [{ weekday: 5, start: '10:00', end: '12:00' }] }, 'body.weeklyHours', /expected array/i],
    [{ weeklyHours: [{ weekday: 9, start: '10:00', end: '12:00' }] }, 'body.weeklyHours.0.weekday', /7|less/i],
    [[{ weekday: 2, start: '10:00' }], 'body.0.end', /expected string/i],
  ])('refuses %j naming %s', async (payload, field, message) => {
    const before = await call(w.t, w.admin, 'GET', `/api/v1/teachers/${w.teacher.teacherId}`);
    const res = await call(w.t, w.admin, 'PUT', hoursUrl, payload);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([field]);
    expect(res.body.error.details[0].message).toMatch(message);
    const after = await call(w.t, w.admin, 'GET', `/api/v1/teachers/${w.teacher.teacherId}`);
    expect(after.body.weeklyHours).toEqual(before.body.weeklyHours);
  });

  it('only admins and the teacher themself may set hours', async () => {
    expect((await call(w.t, w.otherTeacher, 'PUT', hoursUrl, week)).status).toBe(403);
    expect((await call(w.t, w.parent, 'PUT', hoursUrl, week)).status).toBe(403);
    expect((await call(w.t, w.admin, 'PUT', '/api/v1/teachers/999999/availability', week)).status).toBe(404);
  });
});

describe('time off', () => {
  const inDays = (days: number, hour = 0): string => new Date(Date.now() + days * 86_400_000 + hour * 3_600_000).toISOString();

  it('adds time off, lists the scheduled lessons it covers, and removes it, audited', async () => {
    const student = await call(w.t, w.admin, 'POST', '/api/v1/students', {
      parentId: w.parent.id,
      teacherId: w.teacher.teacherId,
      firstName: 'Lia',
      lastName: 'Son',
      dateOfBirth: yearsAgo(10),
      instrument: 'piano',
      lessonRateCents: 4500,
    });
    const at = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 60_000) * 60_000);
    await w.t.database.db.sql.query(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at) VALUES ($1, $2, $3, 30, $3::timestamptz + interval '30 minutes')`,
      [student.body.id, w.teacher.teacherId, at],
    );
    const res = await call(w.t, w.teacher, 'POST', `/api/v1/teachers/${w.teacher.teacherId}/time-off`, { startsAt: inDays(2), endsAt: inDays(5), reason: 'Conference' });
    expect(res.status).toBe(201);
    expect(res.body.timeOff).toMatchObject({ teacherId: w.teacher.teacherId, reason: 'Conference' });
    expect(res.body.affectedLessons).toEqual([
      expect.objectContaining({
        id: expect.any(Number),
        studentId: student.body.id,
        teacherId: w.teacher.teacherId,
        scheduledAt: isoInZone(at.getTime(), zone),
        outcome: 'unchanged',
      }),
    ]);
    const timeOffId = res.body.timeOff.id;
    const profile = await call(w.t, w.admin, 'GET', `/api/v1/teachers/${w.teacher.teacherId}`);
    expect(profile.body.upcomingTimeOff.map((o: { id: number }) => o.id)).toEqual([timeOffId]);

    expect((await call(w.t, w.otherTeacher, 'DELETE', `/api/v1/teachers/${w.teacher.teacherId}/time-off/${timeOffId}`)).status).toBe(403);
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/teachers/${w.otherTeacher.teacherId}/time-off/${timeOffId}`)).status).toBe(404);
    expect((await call(w.t, w.teacher, 'DELETE', `/api/v1/teachers/${w.teacher.teacherId}/time-off/${timeOffId}`)).status).toBe(204);
    expect((await call(w.t, w.teacher, 'DELETE', `/api/v1/teachers/${w.teacher.teacherId}/time-off/${timeOffId}`)).status).toBe(404);
    const audit = await auditRows(w.t, 'teacher_time_off', timeOffId);
    expect(audit.map((a) => a.action)).toEqual(['create', 'delete']);
    expect(audit[1]!.before).toMatchObject({ reason: 'Conference' });
  });

  it.each([
    [{ startsAt: inDays(3), endsAt: inDays(2) }, 'body.endsAt', /after startsAt/],
    [{ startsAt: inDays(-3), endsAt: inDays(-2) }, 'body.endsAt', /future/],
    [{ startsAt: inDays(1), endsAt: inDays(400) }, 'body.endsAt', /366 days/],
    [{ startsAt: '2030-01-01 10:00', endsAt: inDays(2) }, 'body.startsAt', /instant/],
    [{ startsAt: '2030-01-01T10:00:00', endsAt: '2030-01-32' }, 'body.endsAt', /instant/],
  ])('refuses %j naming %s', async (payload, field, message) => {
    const res = await call(w.t, w.admin, 'POST', `/api/v1/teachers/${w.teacher.teacherId}/time-off`, payload);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([field]);
    expect(res.body.error.details[0].message).toMatch(message);
  });

  it('parents and other teachers may not add time off', async () => {
    const payload = { startsAt: inDays(1), endsAt: inDays(2) };
    expect((await call(w.t, w.parent, 'POST', `/api/v1/teachers/${w.teacher.teacherId}/time-off`, payload)).status).toBe(403);
    expect((await call(w.t, w.otherTeacher, 'POST', `/api/v1/teachers/${w.teacher.teacherId}/time-off`, payload)).status).toBe(403);
  });
});
