import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createWorld, fieldsOf, yearsAgo, type World } from './helpers.js';

let w: World;
const ids: Record<string, number> = {};

beforeAll(async () => {
  w = await createWorld();
  await w.t.database.db.sql.query(`UPDATE teachers SET instruments = ARRAY['piano','guitar'] WHERE id = $1`, [w.otherTeacher.teacherId]);
  const kids = [
    { key: 'ava', firstName: 'Ava', lastName: 'Zimmer', parent: w.parent, teacher: w.teacher, instrument: 'piano', age: 8 },
    { key: 'ben', firstName: 'Ben', lastName: 'Young', parent: w.parent, teacher: w.otherTeacher, instrument: 'guitar', age: 11 },
    { key: 'cleo', firstName: 'Cleo', lastName: 'Xavier', parent: w.otherParent, teacher: w.teacher, instrument: 'piano', age: 14 },
    { key: 'dan', firstName: 'Dan', lastName: 'Walsh', parent: w.otherParent, teacher: w.otherTeacher, instrument: 'piano', age: 10 },
    { key: 'eve', firstName: 'Eve', lastName: 'Vance', parent: w.otherParent, teacher: null, instrument: 'violin', age: 12 },
  ];
  for (const kid of kids) {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/students', {
      parentId: kid.parent.id,
      teacherId: kid.teacher?.teacherId ?? null,
      firstName: kid.firstName,
      lastName: kid.lastName,
      dateOfBirth: yearsAgo(kid.age),
      instrument: kid.instrument,
      lessonRateCents: 4500,
      notes: `staff note about ${kid.firstName}`,
    });
    expect(res.status).toBe(201);
    ids[kid.key] = res.body.id;
  }
});
afterAll(async () => {
  await w?.t.close();
});

const names = (body: { data: Array<{ firstName: string }> }) => body.data.map((s) => s.firstName);

describe('GET /api/v1/students as admin', () => {
  it('lists every student, sorted by last name by default', async () => {
    const res = await call(w.t, w.admin, 'GET', '/api/v1/students');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 50, total: 5 });
    expect(names(res.body)).toEqual(['Eve', 'Dan', 'Cleo', 'Ben', 'Ava']);
  });

  it('filters by instrument, teacher and parent', async () => {
    expect(names((await call(w.t, w.admin, 'GET', '/api/v1/students?instrument=piano')).body)).toEqual(['Dan', 'Cleo', 'Ava']);
    expect(names((await call(w.t, w.admin, 'GET', `/api/v1/students?teacherId=${w.otherTeacher.teacherId}`)).body)).toEqual(['Dan', 'Ben']);
    expect(names((await call(w.t, w.admin, 'GET', `/api/v1/students?parentId=${w.parent.id}&instrument=guitar`)).body)).toEqual(['Ben']);
  });

  it('searches by name with q (case-insensitive, first, last or full name, wildcards literal)', async () => {
    expect(names((await call(w.t, w.admin, 'GET', '/api/v1/students?q=cle')).body)).toEqual(['Cleo']);
    expect(names((await call(w.t, w.admin, 'GET', '/api/v1/students?q=WALSH')).body)).toEqual(['Dan']);
    expect(names((await call(w.t, w.admin, 'GET', `/api/v1/students?q=${encodeURIComponent('ava zim')}`)).body)).toEqual(['Ava']);
    expect((await call(w.t, w.admin, 'GET', '/api/v1/students?q=%25')).body.total).toBe(0);
  });

  it('pages and sorts', async () => {
    const first = await call(w.t, w.admin, 'GET', '/api/v1/students?sort=firstName&pageSize=2');
    expect(names(first.body)).toEqual(['Ava', 'Ben']);
    expect(first.body.total).toBe(5);
    const third = await call(w.t, w.admin, 'GET', '/api/v1/students?sort=firstName&pageSize=2&page=3');
    expect(names(third.body)).toEqual(['Eve']);
    const beyond = await call(w.t, w.admin, 'GET', '/api/v1/students?pageSize=2&page=9');
    expect(beyond.body).toMatchObject({ data: [], total: 5 });
    const byAge = await call(w.t, w.admin, 'GET', '/api/v1/students?sort=-dateOfBirth');
    expect(names(byAge.body)).toEqual(['Ava', 'Dan', 'Ben', 'Eve', 'Cleo']);
  });

  it.each([
    ['pageSize=201', 'querystring.pageSize'],
    ['pageSize=0', 'querystring.pageSize'],
    ['page=0', 'querystring.page'],
    ['sort=password', 'querystring.sort'],
    ['teacherId=x', 'querystring.teacherId'],
    ['active=maybe', 'querystring.active'],
    ['skillLevel=guru', 'querystring.skillLevel'],
  ])('refuses ?%s naming %s', async (query, field) => {
    const res = await call(w.t, w.admin, 'GET', `/api/v1/students?${query}`);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual([field]);
  });
});

describe('students: access', () => {
  it('a parent lists only their own children, without staff notes', async () => {
    const res = await call(w.t, w.parent, 'GET', '/api/v1/students');
    expect(names(res.body)).toEqual(['Ben', 'Ava']);
    expect(res.body.data[0]).not.toHaveProperty('notes');
    // Asking for another family does not widen the scope.
    const other = await call(w.t, w.parent, 'GET', `/api/v1/students?parentId=${w.otherParent.id}`);
    expect(other.body.total).toBe(0);
  });

  it("a parent gets 404 (not 403) for another family's child", async () => {
    expect((await call(w.t, w.parent, 'GET', `/api/v1/students/${ids.ava}`)).status).toBe(200);
    const res = await call(w.t, w.parent, 'GET', `/api/v1/students/${ids.cleo}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('a teacher sees only assigned students, with notes', async () => {
    const res = await call(w.t, w.teacher, 'GET', '/api/v1/students');
    expect(names(res.body)).toEqual(['Cleo', 'Ava']);
    expect(res.body.data[0].notes).toBe('staff note about Cleo');
    expect((await call(w.t, w.teacher, 'GET', `/api/v1/students/${ids.cleo}`)).status).toBe(200);
    expect((await call(w.t, w.teacher, 'GET', `/api/v1/students/${ids.dan}`)).status).toBe(404);
    expect((await call(w.t, w.teacher, 'GET', `/api/v1/students?teacherId=${w.otherTeacher.teacherId}`)).body.total).toBe(0);
  });

  it('parents and teachers get 403 on every admin write; no token gets 401', async () => {
    for (const user of [w.parent, w.teacher]) {
      expect((await call(w.t, user, 'POST', '/api/v1/students', {})).status).toBe(403);
      expect((await call(w.t, user, 'PATCH', `/api/v1/students/${ids.ava}`, { notes: 'x' })).status).toBe(403);
      expect((await call(w.t, user, 'PUT', `/api/v1/students/${ids.ava}`, {})).status).toBe(403);
      expect((await call(w.t, user, 'DELETE', `/api/v1/students/${ids.ava}`)).status).toBe(403);
    }
    expect((await call(w.t, null, 'GET', '/api/v1/students')).status).toBe(401);
  });

  it('row-level security hides other families even from a query without the app filter', async () => {
    const { asCaller } = await import('../../src/modules/auth/scoped.js');
    const { students } = await import('../../src/db/schema/students.js');
    const rows = await asCaller(w.t.database.db, { userId: w.parent.id, role: 'parent' }, (tx) => tx.select({ id: students.id }).from(students));
    expect(rows.map((r) => r.id).sort()).toEqual([ids.ava, ids.ben].sort());
  });
});
