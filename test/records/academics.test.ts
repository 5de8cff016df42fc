import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, call, createWorld, fieldsOf, type World } from './helpers.js';

let w: World;
let yearId: number;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.t.close();
});

describe('academic years', () => {
  it('creates, reads, updates and lists; audited', async () => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/academic-years', { name: '2030-31', startsOn: '2030-09-01', endsOn: '2031-06-30' });
    expect(res.status).toBe(201);
    yearId = res.body.id;
    expect(res.body).toMatchObject({ name: '2030-31', startsOn: '2030-09-01', endsOn: '2031-06-30' });
    expect((await call(w.t, w.parent, 'GET', `/api/v1/academic-years/${yearId}`)).body.name).toBe('2030-31');
    const patched = await call(w.t, w.admin, 'PATCH', `/api/v1/academic-years/${yearId}`, { endsOn: '2031-07-15' });
    expect(patched.body.endsOn).toBe('2031-07-15');
    const list = await call(w.t, w.teacher, 'GET', '/api/v1/academic-years');
    expect(list.body).toMatchObject({ total: 1, page: 1 });
    const audit = await auditRows(w.t, 'academic_year', yearId);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit[1]!.before.endsOn).toBe('2031-06-30');
    expect(audit[1]!.after.endsOn).toBe('2031-07-15');
  });

  it.each([
    [{ name: 'Bad', startsOn: '2040-09-01', endsOn: '2040-08-31' }, 'body.endsOn'],
    [{ name: 'Bad', startsOn: '2040-02-30', endsOn: '2040-08-31' }, 'body.startsOn'],
    [{ name: 'Bad', startsOn: '2040-9-1', endsOn: '2040-12-31' }, 'body.startsOn'],
    [{ name: '', startsOn: '2040-09-01', endsOn: '2040-12-31' }, 'body.name'],
  ])('refuses %j naming %s', async (payload, field) => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/academic-years', payload);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([field]);
  });

  it('refuses a duplicate name or overlapping dates with 409', async () => {
    expect((await call(w.t, w.admin, 'POST', '/api/v1/academic-years', { name: '2030-31', startsOn: '2040-09-01', endsOn: '2041-06-30' })).status).toBe(409);
    const overlap = await call(w.t, w.admin, 'POST', '/api/v1/academic-years', { name: 'Overlap', startsOn: '2031-07-01', endsOn: '2032-06-30' });
    expect(overlap.status).toBe(409);
    expect(overlap.body.error.message).toMatch(/2030-31/);
  });

  it('is written by admins only', async () => {
    expect((await call(w.t, w.teacher, 'POST', '/api/v1/academic-years', { name: 'T', startsOn: '2050-01-01', endsOn: '2050-12-31' })).status).toBe(403);
    expect((await call(w.t, w.parent, 'PATCH', `/api/v1/academic-years/${yearId}`, { name: 'P' })).status).toBe(403);
    expect((await call(w.t, w.parent, 'DELETE', `/api/v1/academic-years/${yearId}`)).status).toBe(403);
    expect((await call(w.t, null, 'GET', '/api/v1/academic-years')).status).toBe(401);
  });
});

describe('semesters', () => {
  let fallId: number;
  it('creates a semester inside its year', async () => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/semesters', { academicYearId: yearId, name: 'Fall', startsOn: '2030-09-03', endsOn: '2030-12-20' });
    expect(res.status).toBe(201);
    fallId = res.body.id;
    const list = await call(w.t, w.parent, 'GET', `/api/v1/semesters?academicYearId=${yearId}`);
    expect(list.body.data.map((s: { name: string }) => s.name)).toEqual(['Fall']);
  });

  it.each([
    [{ startsOn: '2030-08-01', endsOn: '2030-12-20' }, 'body.startsOn', 400],
    [{ startsOn: '2031-01-05', endsOn: '2031-08-01' }, 'body.endsOn', 400],
    [{ startsOn: '2031-01-05', endsOn: '2031-01-04' }, 'body.endsOn', 400],
    [{ academicYearId: 999999, startsOn: '2031-01-05', endsOn: '2031-04-01' }, 'body.academicYearId', 400],
    [{ startsOn: '2030-12-01', endsOn: '2031-04-01' }, 'body.startsOn', 409],
  ])('refuses %j naming %s', async (extra, field, status) => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/semesters', { academicYearId: yearId, name: 'Winter', ...extra });
    expect(res.status).toBe(status);
    expect(fieldsOf(res.body)).toEqual([field]);
  });

  it('a year that would no longer hold its semester cannot shrink; one with semesters cannot be deleted', async () => {
    const shrink = await call(w.t, w.admin, 'PATCH', `/api/v1/academic-years/${yearId}`, { startsOn: '2030-10-01' });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error.message).toMatch(/Fall/);
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/academic-years/${yearId}`)).status).toBe(409);
  });

  it('updates and deletes, audited', async () => {
    expect((await call(w.t, w.admin, 'PATCH', `/api/v1/semesters/${fallId}`, { name: 'Autumn' })).body.name).toBe('Autumn');
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/semesters/${fallId}`)).status).toBe(204);
    expect((await call(w.t, w.admin, 'GET', `/api/v1/semesters/${fallId}`)).status).toBe(404);
    const audit = await auditRows(w.t, 'semester', fallId);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    expect(audit[2]!.before).toMatchObject({ name: 'Autumn' });
    expect(audit[2]!.after).toBeNull();
  });
});

describe('closures', () => {
  it('creates closures (year found from the dates), filters by from/to', async () => {
    const winter = await call(w.t, w.admin, 'POST', '/api/v1/closures', { name: 'Winter break', startsOn: '2030-12-21', endsOn: '2031-01-04' });
    expect(winter.status).toBe(201);
    expect(winter.body.closure.academicYearId).toBe(yearId);
    expect(winter.body.affectedLessons).toEqual([]);
    const loose = await call(w.t, w.admin, 'POST', '/api/v1/closures', { name: 'Summer', startsOn: '2031-08-01', endsOn: '2031-08-31' });
    expect(loose.body.closure.academicYearId).toBeNull();
    const march = await call(w.t, w.admin, 'POST', '/api/v1/closures', { name: 'March break', startsOn: '2031-03-10', endsOn: '2031-03-14', academicYearId: yearId });
    expect(march.status).toBe(201);

    const all = await call(w.t, w.parent, 'GET', '/api/v1/closures');
    expect(all.body.data.map((c: { name: string }) => c.name)).toEqual(['Winter break', 'March break', 'Summer']);
    const jan = await call(w.t, w.teacher, 'GET', '/api/v1/closures?from=2031-01-01&to=2031-03-10');
    expect(jan.body.data.map((c: { name: string }) => c.name)).toEqual(['Winter break', 'March break']);
    const after = await call(w.t, w.teacher, 'GET', '/api/v1/closures?from=2031-03-15');
    expect(after.body.data.map((c: { name: string }) => c.name)).toEqual(['Summer']);
    expect(fieldsOf((await call(w.t, w.teacher, 'GET', '/api/v1/closures?from=2031-13-01')).body)).toEqual(['querystring.from']);
  });

  it.each([
    [{ startsOn: '2031-05-02', endsOn: '2031-05-01' }, 'body.endsOn'],
    [{ startsOn: '2031-05-01', endsOn: '2031-08-01', academicYearId: 'year' }, 'body.academicYearId'],
    [{ startsOn: '2031-07-20', endsOn: '2031-08-01', academicYearId: -1 }, 'body.academicYearId'],
  ])('refuses %j naming %s', async (extra, field) => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/closures', { name: 'Bad', ...extra });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([field]);
  });

  it('refuses a closure outside its given year', async () => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/closures', { name: 'Outside', startsOn: '2031-07-20', endsOn: '2031-08-01', academicYearId: yearId });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.endsOn']);
  });

  it('patches and deletes, audited; teachers may not', async () => {
    const created = (await call(w.t, w.admin, 'POST', '/api/v1/closures', { name: 'Snow day', startsOn: '2031-02-03', endsOn: '2031-02-03' })).body.closure;
    expect((await call(w.t, w.teacher, 'PATCH', `/api/v1/closures/${created.id}`, { name: 'x' })).status).toBe(403);
    expect((await call(w.t, w.admin, 'PATCH', `/api/v1/closures/${created.id}`, { endsOn: '2031-02-04' })).body.endsOn).toBe('2031-02-04');
    expect((await call(w.t, w.admin, 'PATCH', `/api/v1/closures/${created.id}`, { endsOn: '2031-02-01' })).status).toBe(400);
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/closures/${created.id}`)).status).toBe(204);
    expect((await auditRows(w.t, 'closure', created.id)).map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/closures/${created.id}`)).status).toBe(404);
  });
});
