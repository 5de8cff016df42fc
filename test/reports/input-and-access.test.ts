import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { buildReportSchool, type ReportSchool } from './school.js';

/** Bad input and who may read what: a clear 4xx naming the field, never a 500. */
let t: TestApp;
let school: ReportSchool;

beforeAll(async () => {
  t = await createTestApp();
  school = await buildReportSchool(t.database.db);
}, 60_000);
afterAll(async () => t?.close());

const get = async (url: string, headers: Record<string, string> = school.admin.headers) => {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: res.json() };
};
const fields = (body: { error: { details?: { field: string }[] } }) => (body.error.details ?? []).map((d) => d.field);

describe('bad input', () => {
  it('refuses `to` before `from`', async () => {
    const res = await get('/api/v1/reports/revenue?from=2027-11-02&to=2027-11-01');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(fields(res.body)).toEqual(['querystring.to']);
  });

  it('allows 5 years and refuses one day more', async () => {
    expect((await get('/api/v1/reports/attendance?from=2023-01-01&to=2027-12-31')).status).toBe(200);
    const over = await get('/api/v1/reports/attendance?from=2023-01-01&to=2028-01-01');
    expect(over.status).toBe(400);
    expect(fields(over.body)).toEqual(['querystring.to']);
    expect(over.body.error.message).toMatch(/5 years/);
  });

  it('names an unknown grouping and the ones allowed', async () => {
    const res = await get('/api/v1/reports/revenue?groupBy=student');
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['querystring.groupBy']);
    expect(res.body.error.message).toContain('month, instrument, teacher');
  });

  it('answers 404 naming an unknown report', async () => {
    const res = await get('/api/v1/reports/profit');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('"profit"');
  });

  it('refuses malformed dates, formats and teacher ids', async () => {
    expect(fields((await get('/api/v1/reports/revenue?from=2027-02-30')).body)).toEqual(['querystring.from']);
    expect(fields((await get('/api/v1/reports/revenue?format=xml')).body)).toEqual(['querystring.format']);
    expect(fields((await get('/api/v1/reports/attendance?teacherId=abc')).body)).toEqual(['querystring.teacherId']);
    const notPerTeacher = await get(`/api/v1/reports/revenue?teacherId=${school.alice.teacherId}`);
    expect(notPerTeacher.status).toBe(400);
    expect(fields(notPerTeacher.body)).toEqual(['querystring.teacherId']);
  });

  it('defaults to the year up to today', async () => {
    const res = await get('/api/v1/reports/retention');
    expect(res.status).toBe(200);
    const to = new Date(`${res.body.to}T00:00:00Z`);
    to.setUTCFullYear(to.getUTCFullYear() - 1);
    to.setUTCDate(to.getUTCDate() + 1);
    expect(res.body.from).toBe(to.toISOString().slice(0, 10));
  });
});

describe('access', () => {
  it('refuses a teacher another teacher’s figures (403) and admin-only reports (403)', async () => {
    const other = await get(`/api/v1/reports/attendance?teacherId=${school.alice.teacherId}`, school.bob.headers);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('querystring.teacherId');
    for (const name of ['revenue', 'receivables', 'retention', 'enrollment-funnel']) {
      expect((await get(`/api/v1/reports/${name}`, school.bob.headers)).status).toBe(403);
    }
  });

  it('lets a teacher name themself', async () => {
    const res = await get(`/api/v1/reports/utilisation?from=2027-11-01&to=2027-11-14&teacherId=${school.bob.teacherId}`, school.bob.headers);
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { teacherName: string }) => r.teacherName)).toEqual(['Bob Baker', 'Bob Baker']);
  });

  it('refuses parents and anonymous callers', async () => {
    expect((await get('/api/v1/reports/attendance', school.parents[0].headers)).status).toBe(403);
    expect((await get('/api/v1/dashboard', school.alice.headers)).status).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/reports/attendance' })).statusCode).toBe(401);
  });
});
