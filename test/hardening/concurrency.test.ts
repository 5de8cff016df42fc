import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createSchool, type School } from '../scheduling/helpers.js';

// Requests that race used to answer 500: two weekly-hours replacements (a duplicate key), two
// revocations of one calendar feed (a TypeError), the same closure entered twice. Each now gets
// its 2xx, 404 or 409. The races are real on PostgreSQL (TEST_DATABASE_URL); PGlite serialises.

const AT_ONCE = 10;

let s: School;
beforeAll(async () => {
  s = await createSchool();
});
afterAll(async () => {
  await s?.t.close();
});

const inject = (method: 'PUT' | 'DELETE' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  s.t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

describe('PUT /teachers/{id}/availability, several at once', () => {
  it('answers every request 200 and keeps exactly one of the submitted weeks', async () => {
    const teacherId = s.mondayTeacher.teacherId!;
    const weeks = Array.from({ length: AT_ONCE }, (_, i) => [
      { weekday: 1, start: '09:00', end: `1${i % 10}:30` },
      { weekday: 3, start: '13:00', end: '17:00' },
    ]);
    const responses = await Promise.all(
      weeks.map((week, i) => inject('PUT', `/api/v1/teachers/${teacherId}/availability`, i % 2 ? s.admin.headers : s.mondayTeacher.headers, week)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(weeks.map(() => 200));
    const stored = await s.db.sql.query<{ weekday: number; start: string; end: string }>(
      `SELECT weekday, to_char(start_time, 'HH24:MI') AS start, to_char(end_time, 'HH24:MI') AS end FROM teacher_availability WHERE teacher_id = $1 ORDER BY weekday`,
      [teacherId],
    );
    expect(weeks).toContainEqual(stored);
    const [audit] = await s.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'teacher_availability' AND entity_id = $1`, [String(teacherId)]);
    expect(audit!.n).toBe(AT_ONCE);
  }, 60_000);
});

describe('DELETE /calendar/feeds/{id}, several at once', () => {
  it('answers every request 204 and records one revocation', async () => {
    const created = await call(s.t, s.parent, 'POST', '/api/v1/calendar/feeds', {});
    expect(created.status).toBe(201);
    const url = `/api/v1/calendar/feeds/${created.body.id}`;
    const responses = await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => inject('DELETE', url, i % 2 ? s.admin.headers : s.parent.headers)));
    expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 204));
    const [audit] = await s.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE entity = 'calendar_feed' AND entity_id = $1 AND action = 'revoke'`, [
      String(created.body.id),
    ]);
    expect(audit!.n).toBe(1);
    const unknown = await Promise.all(Array.from({ length: 3 }, () => inject('DELETE', '/api/v1/calendar/feeds/999999', s.admin.headers)));
    expect(unknown.map((r) => r.statusCode)).toEqual([404, 404, 404]);
  }, 60_000);
});

describe('the same closure twice', () => {
  it('answers 409 naming the name to the second entry, also by PATCH', async () => {
    const body = { name: 'Winter break', startsOn: '2031-12-22', endsOn: '2032-01-02' };
    expect((await call(s.t, s.admin, 'POST', '/api/v1/closures', body)).status).toBe(201);
    const again = await call(s.t, s.admin, 'POST', '/api/v1/closures', body);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', details: [{ field: 'body.name' }] });
    const other = await call(s.t, s.admin, 'POST', '/api/v1/closures', { ...body, name: 'Other break' });
    expect(other.status).toBe(201);
    const renamed = await call(s.t, s.admin, 'PATCH', `/api/v1/closures/${other.body.closure.id}`, { name: 'Winter break' });
    expect(renamed.status).toBe(409);
  });

  it('answers one 201 and 409s when entered at once', async () => {
    const body = { name: 'Spring break', startsOn: '2032-03-08', endsOn: '2032-03-12' };
    const responses = await Promise.all(Array.from({ length: AT_ONCE }, () => inject('POST', '/api/v1/closures', s.admin.headers, body)));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, ...Array.from({ length: AT_ONCE - 1 }, () => 409)]);
    for (const r of responses.filter((r) => r.statusCode === 409)) expect(r.json().error.code).toBe('conflict');
  }, 60_000);
});
