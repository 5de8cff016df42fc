import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, call, createSchool, fieldsOf, inDays, inHours, insertStudent, lessonBody, nextMonday, type School } from './helpers.js';

let s: School;
beforeAll(async () => {
  s = await createSchool();
});
afterAll(async () => {
  await s?.t.close();
});

describe('POST /api/v1/lessons', () => {
  it('books a lesson (201), with the school offset, a Location and an audit row', async () => {
    const at = inDays(10, '15:00');
    const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, at, { notes: 'Scales' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ studentId: s.studentId, teacherId: s.teacher.teacherId, durationMinutes: 30, lessonType: 'regular', status: 'scheduled', notes: 'Scales' });
    expect(Date.parse(res.body.scheduledAt)).toBe(Date.parse(at));
    expect(res.body.scheduledAt).toMatch(/T15:00:00-0[34]:00$/);
    expect(res.headers.location).toBe(`/api/v1/lessons/${res.body.id}`);
    expect(await auditCount(s.db, res.body.id)).toBe(1);
  });

  it('answers 409 with alternatives for an overlapping lesson (teacher or student)', async () => {
    const at = inDays(11, '15:00');
    expect((await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, at))).status).toBe(201);
    const clash = await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...lessonBody(s, inDays(11, '15:15')), studentId: s.otherStudentId });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('conflict');
    expect(clash.body.error.details.conflicts.map((c: { kind: string }) => c.kind)).toEqual(['teacher_overlap']);
    const alternatives = clash.body.error.details.alternatives;
    expect(alternatives).toHaveLength(5);
    expect(alternatives[0]).toEqual({
      teacherId: s.teacher.teacherId,
      startsAt: expect.stringMatching(/T15:30:00-0[34]:00$/),
      endsAt: expect.stringMatching(/T16:00:00-0[34]:00$/),
    });
    // The student is busy too, even with another teacher.
    const student = await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...lessonBody(s, at), teacherId: s.mondayTeacher.teacherId });
    expect(student.status).toBe(409);
    expect(student.body.error.details.conflicts.map((c: { kind: string }) => c.kind)).toContain('student_overlap');
  });

  it('refuses a lesson in the past (400 naming body.scheduledAt)', async () => {
    const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, inHours(-2)));
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.scheduledAt']);
  });

  it('refuses durations outside 15–120 and malformed instants, naming the field', async () => {
    for (const durationMinutes of [10, 130]) {
      const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, inDays(12), { durationMinutes }));
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['body.durationMinutes']);
    }
    const malformed = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, '2030-01-07 at four'));
    expect(fieldsOf(malformed.body)).toEqual(['body.scheduledAt']);
  });

  it('refuses an unknown student (400 body.studentId), an inactive one and one without a teacher (409)', async () => {
    const unknown = await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...lessonBody(s, inDays(12)), studentId: 999_999 });
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown.body)).toEqual(['body.studentId']);
    const inactive = await insertStudent(s.db, s.parent.id, s.teacher.teacherId, { active: false });
    const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...lessonBody(s, inDays(12)), studentId: inactive });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/not active/);
    const unassigned = await insertStudent(s.db, s.parent.id, null);
    const none = await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...lessonBody(s, inDays(12)), studentId: unassigned });
    expect(none.status).toBe(409);
    expect(none.body.error.message).toMatch(/no teacher/);
  });

  it('lets a teacher book their own students only, and only with the minimum notice', async () => {
    const own = await call(s.t, s.teacher, 'POST', '/api/v1/lessons', lessonBody(s, inDays(13)));
    expect(own.status).toBe(201);
    const foreign = await insertStudent(s.db, s.parent.id, s.mondayTeacher.teacherId);
    const other = await call(s.t, s.teacher, 'POST', '/api/v1/lessons', { ...lessonBody(s, inDays(13, '17:00')), studentId: foreign });
    expect(other.status).toBe(400);
    const notSelf = await call(s.t, s.teacher, 'POST', '/api/v1/lessons', { ...lessonBody(s, inDays(13, '18:00')), teacherId: s.mondayTeacher.teacherId });
    expect(notSelf.status).toBe(403);
    const soon = await call(s.t, s.teacher, 'POST', '/api/v1/lessons', lessonBody(s, inHours(3)));
    expect(soon.status).toBe(409);
    expect(soon.body.error.details.conflicts[0].kind).toBe('too_soon');
    // The office (admin) may book inside the notice.
    expect((await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, inHours(3)))).status).toBe(201);
    expect((await call(s.t, s.parent, 'POST', '/api/v1/lessons', lessonBody(s, inDays(14)))).status).toBe(403);
  });

  it("refuses times outside the teacher's weekly hours", async () => {
    const body = { ...lessonBody(s, nextMonday(3, '18:00')), teacherId: s.mondayTeacher.teacherId, studentId: await insertStudent(s.db, s.parent.id, s.mondayTeacher.teacherId) };
    const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', body);
    expect(res.status).toBe(409);
    expect(res.body.error.details.conflicts.map((c: { kind: string }) => c.kind)).toEqual(['outside_hours']);
    expect(res.body.error.details.alternatives[0].startsAt).toMatch(/T16:00:00-0[34]:00$/);
  });
});

describe('POST /api/v1/lessons/check-conflicts', () => {
  it('reports conflicts without writing, and ok for a free time', async () => {
    const at = inDays(20, '10:00');
    await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, at));
    const before = await auditCount(s.db);
    const busy = await call(s.t, s.admin, 'POST', '/api/v1/lessons/check-conflicts', { teacherId: s.teacher.teacherId, studentId: s.otherStudentId, scheduledAt: at });
    expect(busy.status).toBe(200);
    expect(busy.body.ok).toBe(false);
    expect(busy.body.conflicts).toEqual([{ kind: 'teacher_overlap', reason: expect.stringContaining('10:00'), lessonId: expect.any(Number) }]);
    const free = await call(s.t, s.parent, 'POST', '/api/v1/lessons/check-conflicts', { teacherId: s.teacher.teacherId, studentId: s.studentId, scheduledAt: inDays(20, '11:00') });
    expect(free.body).toEqual({ ok: true, conflicts: [] });
    expect(await auditCount(s.db)).toBe(before);
  });

  it("hides other families' lesson ids and students from a parent", async () => {
    const at = inDays(21, '10:00');
    await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...lessonBody(s, at), studentId: s.otherStudentId });
    const res = await call(s.t, s.parent, 'POST', '/api/v1/lessons/check-conflicts', { teacherId: s.teacher.teacherId, studentId: s.studentId, scheduledAt: at });
    expect(res.body.conflicts).toEqual([{ kind: 'teacher_overlap', reason: expect.any(String) }]);
    const foreign = await call(s.t, s.parent, 'POST', '/api/v1/lessons/check-conflicts', { teacherId: s.teacher.teacherId, studentId: s.otherStudentId, scheduledAt: at });
    expect(foreign.status).toBe(404);
  });
});
