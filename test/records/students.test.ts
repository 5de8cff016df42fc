import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, call, createWorld, fieldsOf, yearsAgo, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.t.close();
});

const body = (extra: Record<string, unknown> = {}) => ({
  parentId: w.parent.id,
  teacherId: w.teacher.teacherId,
  firstName: 'Emma',
  lastName: 'Thompson',
  dateOfBirth: yearsAgo(9),
  instrument: 'piano',
  lessonRateCents: 4500,
  ...extra,
});

describe('POST /api/v1/students', () => {
  it('creates a student (201) with canSchedule and an audit row', async () => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/students', body({ skillLevel: 'intermediate', email: 'emma@example.com' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      parentId: w.parent.id,
      teacherId: w.teacher.teacherId,
      instrument: 'piano',
      skillLevel: 'intermediate',
      lessonRateCents: 4500,
      isActive: true,
      canSchedule: true,
      age: 9,
    });
    expect(res.body.teacherName).toBe('teacher Tester');
    const audit = await auditRows(w.t, 'student', res.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', actor_id: w.admin.id, before: null });
    expect(audit[0]!.after).toMatchObject({ id: res.body.id, firstName: 'Emma' });
  });

  it('without a teacher the student cannot schedule', async () => {
    // Another child: the same one twice would be a duplicate (409).
    const res = await call(w.t, w.admin, 'POST', '/api/v1/students', body({ teacherId: null, firstName: 'Noah' }));
    expect(res.status).toBe(201);
    expect(res.body.canSchedule).toBe(false);
  });

  it.each([
    [{ instrument: 'banjo' }, 'body.instrument'],
    [{ lessonRateCents: 2999 }, 'body.lessonRateCents'],
    [{ lessonRateCents: 20001 }, 'body.lessonRateCents'],
    [{ lessonRateCents: 45.5 }, 'body.lessonRateCents'],
    [{ skillLevel: 'expert' }, 'body.skillLevel'],
    [{ dateOfBirth: '2015-02-30' }, 'body.dateOfBirth'],
    [{ dateOfBirth: '01/02/2015' }, 'body.dateOfBirth'],
    [{ dateOfBirth: '2999-01-01' }, 'body.dateOfBirth'],
    [{ firstName: '  ' }, 'body.firstName'],
    [{ email: 'not-an-email' }, 'body.email'],
    [{ parentId: 999999 }, 'body.parentId'],
    [{ teacherId: 999999 }, 'body.teacherId'],
    [{ parentId: 'abc' }, 'body.parentId'],
  ])('refuses %j with 400 naming %s', async (extra, field) => {
    const res = await call(w.t, w.admin, 'POST', '/api/v1/students', body(extra));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(fieldsOf(res.body)).toContain(field);
  });

  it('refuses a parent id that is not a parent, and a teacher who does not teach the instrument', async () => {
    const notParent = await call(w.t, w.admin, 'POST', '/api/v1/students', body({ parentId: w.admin.id }));
    expect(fieldsOf(notParent.body)).toEqual(['body.parentId']);
    const wrongInstrument = await call(w.t, w.admin, 'POST', '/api/v1/students', body({ instrument: 'violin' }));
    expect(wrongInstrument.status).toBe(400);
    expect(fieldsOf(wrongInstrument.body)).toEqual(['body.teacherId']);
    expect(wrongInstrument.body.error.message).toMatch(/does not teach violin/);
  });

  it('refuses a deactivated parent', async () => {
    await w.t.database.db.sql.query('UPDATE users SET is_active = false WHERE id = $1', [w.otherParent.id]);
    const res = await call(w.t, w.admin, 'POST', '/api/v1/students', body({ parentId: w.otherParent.id }));
    await w.t.database.db.sql.query('UPDATE users SET is_active = true WHERE id = $1', [w.otherParent.id]);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].message).toMatch(/deactivated/);
  });

  it('answers 409 when the teacher is full, and writes nothing', async () => {
    await w.t.database.db.sql.query('UPDATE teachers SET max_students = 1 WHERE id = $1', [w.otherTeacher.teacherId]);
    const first = await call(w.t, w.admin, 'POST', '/api/v1/students', body({ teacherId: w.otherTeacher.teacherId, firstName: 'First' }));
    expect(first.status).toBe(201);
    const second = await call(w.t, w.admin, 'POST', '/api/v1/students', body({ teacherId: w.otherTeacher.teacherId, firstName: 'Second' }));
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('conflict');
    expect(second.body.error.message).toMatch(/capacity \(1 of 1/);
    const rows = await w.t.database.db.sql.query(`SELECT 1 FROM students WHERE first_name = 'Second'`);
    expect(rows).toHaveLength(0);
    // Deactivating the first frees the place.
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/students/${first.body.id}`)).status).toBe(204);
    expect((await call(w.t, w.admin, 'POST', '/api/v1/students', body({ teacherId: w.otherTeacher.teacherId, firstName: 'Second' }))).status).toBe(201);
  });

  it('answers 409 when the teacher is not accepting students', async () => {
    const t2 = w.teacher.teacherId;
    await w.t.database.db.sql.query('UPDATE teachers SET is_available = false WHERE id = $1', [t2]);
    const res = await call(w.t, w.admin, 'POST', '/api/v1/students', body());
    await w.t.database.db.sql.query('UPDATE teachers SET is_available = true WHERE id = $1', [t2]);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/not accepting/);
  });
});

describe('PUT, PATCH and DELETE /api/v1/students/{id}', () => {
  it('patches fields, checks the rules on what changes, and audits before/after', async () => {
    const created = (await call(w.t, w.admin, 'POST', '/api/v1/students', body({ firstName: 'Patchy' }))).body;
    const res = await call(w.t, w.admin, 'PATCH', `/api/v1/students/${created.id}`, { lessonRateCents: 6000, notes: 'Loves Chopin' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lessonRateCents: 6000, notes: 'Loves Chopin', firstName: 'Patchy' });
    const audit = await auditRows(w.t, 'student', created.id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit[1]!.before.lessonRateCents).toBe(4500);
    expect(audit[1]!.after.lessonRateCents).toBe(6000);

    const bad = await call(w.t, w.admin, 'PATCH', `/api/v1/students/${created.id}`, { instrument: 'drums' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['body.teacherId']);
    const rate = await call(w.t, w.admin, 'PATCH', `/api/v1/students/${created.id}`, { lessonRateCents: 100 });
    expect(fieldsOf(rate.body)).toEqual(['body.lessonRateCents']);
  });

  it('PUT replaces the student (omitted optional fields reset)', async () => {
    const created = (await call(w.t, w.admin, 'POST', '/api/v1/students', body({ firstName: 'Putty', notes: 'x', email: 'p@example.com' }))).body;
    const res = await call(w.t, w.admin, 'PUT', `/api/v1/students/${created.id}`, body({ firstName: 'Putty', teacherId: undefined, instrument: 'guitar', lessonRateCents: 5000 }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: 'Putty', instrument: 'guitar', teacherId: null, notes: null, email: null, canSchedule: false });
    const incomplete = await call(w.t, w.admin, 'PUT', `/api/v1/students/${created.id}`, { firstName: 'Only' });
    expect(incomplete.status).toBe(400);
    expect(fieldsOf(incomplete.body)).toEqual(expect.arrayContaining(['body.parentId', 'body.lastName', 'body.instrument']));
  });

  it('DELETE is a soft delete: isActive=false, hidden from the default list, audited', async () => {
    const created = (await call(w.t, w.admin, 'POST', '/api/v1/students', body({ firstName: 'Gone', lastName: 'Softly' }))).body;
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/students/${created.id}`)).status).toBe(204);
    const after = await call(w.t, w.admin, 'GET', `/api/v1/students/${created.id}`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ isActive: false, canSchedule: false });
    const list = await call(w.t, w.admin, 'GET', '/api/v1/students?q=softly');
    expect(list.body.total).toBe(0);
    const inactive = await call(w.t, w.admin, 'GET', '/api/v1/students?q=softly&active=false');
    expect(inactive.body.data.map((s: { id: number }) => s.id)).toEqual([created.id]);
    const audit = await auditRows(w.t, 'student', created.id);
    expect(audit.at(-1)).toMatchObject({ action: 'delete' });
    expect(audit.at(-1)!.before.isActive).toBe(true);
    expect(audit.at(-1)!.after.isActive).toBe(false);
    // Deleting again changes nothing and writes no second audit row.
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/students/${created.id}`)).status).toBe(204);
    expect(await auditRows(w.t, 'student', created.id)).toHaveLength(audit.length);
  });

  it('answers 404 for an unknown id and 400 naming params.id for a bad one', async () => {
    expect((await call(w.t, w.admin, 'GET', '/api/v1/students/999999')).status).toBe(404);
    expect((await call(w.t, w.admin, 'PATCH', '/api/v1/students/999999', { notes: 'x' })).status).toBe(404);
    for (const id of ['abc', '0', '1.5', '99999999999']) {
      const res = await call(w.t, w.admin, 'GET', `/api/v1/students/${id}`);
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['params.id']);
    }
  });
});
