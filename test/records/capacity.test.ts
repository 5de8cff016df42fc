import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createWorld, yearsAgo, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w?.t.close();
});

const student = (teacherId: number | null | undefined, firstName: string) => ({
  parentId: w.parent.id,
  teacherId,
  firstName,
  lastName: 'Capacity',
  dateOfBirth: yearsAgo(10),
  instrument: 'piano',
  lessonRateCents: 4500,
});

describe('teacher capacity', () => {
  it('holds under concurrent assignments: of 10 simultaneous requests for 3 places, exactly 3 succeed', async () => {
    await w.t.database.db.sql.query('UPDATE teachers SET max_students = 3 WHERE id = $1', [w.teacher.teacherId]);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call(w.t, w.admin, 'POST', '/api/v1/students', student(w.teacher.teacherId, `Kid${i}`))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409, 409, 409]);
    const [row] = await w.t.database.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM students WHERE teacher_id = $1 AND is_active', [w.teacher.teacherId]);
    expect(row!.n).toBe(3);
  });

  it('applies when a student moves to a full teacher or is reactivated with one', async () => {
    await w.t.database.db.sql.query('UPDATE teachers SET max_students = 1 WHERE id = $1', [w.otherTeacher.teacherId]);
    const first = await call(w.t, w.admin, 'POST', '/api/v1/students', student(w.otherTeacher.teacherId, 'Keeper'));
    expect(first.status).toBe(201);
    const mover = (await call(w.t, w.admin, 'POST', '/api/v1/students', student(null, 'Mover'))).body;
    const move = await call(w.t, w.admin, 'PATCH', `/api/v1/students/${mover.id}`, { teacherId: w.otherTeacher.teacherId });
    expect(move.status).toBe(409);
    expect(move.body.error.details).toEqual([{ field: 'body.teacherId', message: 'teacher is full (1/1)' }]);

    // Keeper leaves; Mover takes the place; Keeper cannot come back to the full teacher.
    expect((await call(w.t, w.admin, 'DELETE', `/api/v1/students/${first.body.id}`)).status).toBe(204);
    expect((await call(w.t, w.admin, 'PATCH', `/api/v1/students/${mover.id}`, { teacherId: w.otherTeacher.teacherId })).status).toBe(200);
    const back = await call(w.t, w.admin, 'PATCH', `/api/v1/students/${first.body.id}`, { isActive: true });
    expect(back.status).toBe(409);
    // Editing an assigned student's other fields never counts them twice.
    expect((await call(w.t, w.admin, 'PATCH', `/api/v1/students/${mover.id}`, { lessonRateCents: 5000 })).status).toBe(200);
  });
});
