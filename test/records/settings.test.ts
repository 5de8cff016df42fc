import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, call, createWorld, fieldsOf, yearsAgo, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.t.close();
});

const put = (key: string, value: unknown) => call(w.t, w.admin, 'PUT', `/api/v1/settings/${key}`, { value });

describe('settings', () => {
  it('GET lists every known key (defaults when never stored) for admins only', async () => {
    const res = await call(w.t, w.admin, 'GET', '/api/v1/settings');
    expect(res.status).toBe(200);
    const keys = res.body.data.map((s: { key: string }) => s.key);
    expect(keys).toEqual(expect.arrayContaining(['school', 'instruments', 'pricing', 'lessonDurations', 'cancellationWindowHours', 'timezone']));
    expect(res.body.data.find((s: { key: string }) => s.key === 'cancellationWindowHours')).toMatchObject({ value: 24, updatedAt: null });
    expect((await call(w.t, w.teacher, 'GET', '/api/v1/settings')).status).toBe(403);
    expect((await call(w.t, w.parent, 'PUT', '/api/v1/settings/instruments', { value: ['piano'] })).status).toBe(403);
  });

  it('PUT stores a valid value, audited with before/after, and the rules use it', async () => {
    const res = await put('instruments', ['piano', 'guitar', 'cello']);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ key: 'instruments', value: ['piano', 'guitar', 'cello'], updatedBy: w.admin.id });
    expect((await call(w.t, w.admin, 'GET', '/api/v1/settings/instruments')).body.value).toEqual(['piano', 'guitar', 'cello']);
    const changed = await put('instruments', ['piano', 'guitar', 'cello', 'flute']);
    expect(changed.status).toBe(200);
    const audit = await auditRows(w.t, 'setting', 'instruments');
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit[1]).toMatchObject({ before: ['piano', 'guitar', 'cello'], after: ['piano', 'guitar', 'cello', 'flute'] });
    // Violin is no longer offered: a new violin student is refused, naming the instrument.
    const student = await call(w.t, w.admin, 'POST', '/api/v1/students', {
      parentId: w.parent.id,
      firstName: 'V',
      lastName: 'L',
      dateOfBirth: yearsAgo(9),
      instrument: 'violin',
      lessonRateCents: 4500,
    });
    expect(fieldsOf(student.body)).toEqual(['body.instrument']);
    expect(student.body.error.message).toMatch(/flute/);
  });

  it.each([
    ['instruments', [], 'body.value'],
    ['instruments', ['Piano'], 'body.value.0'],
    ['instruments', ['piano', 'piano'], 'body.value'],
    ['instruments', 'piano', 'body.value'],
    ['cancellationWindowHours', 169, 'body.value'],
    ['cancellationWindowHours', -1, 'body.value'],
    ['cancellationWindowHours', '24', 'body.value'],
    ['timezone', 'Mars/Olympus', 'body.value'],
    ['lessonDurations', [30, 10], 'body.value.1'],
    ['lessonDurations', [30, 121], 'body.value.1'],
    ['pricing', { currency: 'cad', lessonCents: { '30': 4500 }, demoLessonCents: 0 }, 'body.value.currency'],
    ['pricing', { currency: 'CAD', lessonCents: { '30': -1 }, demoLessonCents: 0 }, 'body.value.lessonCents.30'],
    ['pricing', { currency: 'CAD', lessonCents: { '30': 4500 } }, 'body.value.demoLessonCents'],
    ['school', { name: 'X', timezone: 'America/Halifax', currency: 'CAD', email: 'nope', phone: '1' }, 'body.value.email'],
  ])('refuses %s = %j naming %s', async (key, value, field) => {
    const res = await put(key, value);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it('answers 404 for an unknown key', async () => {
    const res = await put('favouriteColour', 'blue');
    expect(res.status).toBe(404);
    expect((await call(w.t, w.admin, 'GET', '/api/v1/settings/favouriteColour')).status).toBe(404);
  });

  it('keeps timezone and school.timezone equal', async () => {
    expect((await put('timezone', 'America/Toronto')).status).toBe(200);
    expect((await call(w.t, w.admin, 'GET', '/api/v1/settings/school')).body.value.timezone).toBe('America/Toronto');
    const school = (await call(w.t, w.admin, 'GET', '/api/v1/settings/school')).body.value;
    expect((await put('school', { ...school, timezone: 'America/Vancouver' })).status).toBe(200);
    expect((await call(w.t, w.admin, 'GET', '/api/v1/settings/timezone')).body.value).toBe('America/Vancouver');
    expect((await call(w.t, w.admin, 'GET', `/api/v1/teachers/${w.teacher.teacherId}`)).body.timezone).toBe('America/Vancouver');
  });

  it('stores valid values of every other key', async () => {
    expect((await put('pricing', { currency: 'CAD', lessonCents: { '30': 5000, '60': 9000 }, demoLessonCents: 0 })).status).toBe(200);
    expect((await put('lessonDurations', [30, 60])).status).toBe(200);
    expect((await put('cancellationWindowHours', 48)).status).toBe(200);
    expect((await put('bufferMinutes', 10)).status).toBe(200);
  });
});
