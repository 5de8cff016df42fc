/**
 * POST /closures answers with the lessons the closure hits and, with ?cancelLessons=true, cancels
 * them as the school (make-up credits) in the same request. Days are read in the school's zone
 * (America/Halifax) across the November 2027 change (ADT −03:00 until Nov 7, AST −04:00 after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisruptedSchool, type DisruptedSchool, SCHOOL_NAME } from './disruption-fixture.js';
import { call, fieldsOf, type TestUser } from './helpers.js';

let s: DisruptedSchool;
let teacher: TestUser;
let studentId: number;
beforeAll(async () => {
  s = await createDisruptedSchool();
  teacher = await s.teacher('Clara');
  studentId = await s.student(s.parent.id, teacher.teacherId!, 'Emma');
}, 60_000);
afterAll(async () => {
  await s?.close();
});

async function book(scheduledAt: string): Promise<number> {
  const res = await call(s.stack, s.admin, 'POST', '/api/v1/lessons', { studentId, teacherId: teacher.teacherId, scheduledAt, durationMinutes: 30 });
  expect(res.status).toBe(201);
  return res.body.id;
}
const statusOf = async (id: number): Promise<string> => (await call(s.stack, s.admin, 'GET', `/api/v1/lessons/${id}`)).body.status;
const count = async (table: string): Promise<number> => (await s.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

describe('POST /api/v1/closures', () => {
  it('cancels the lessons on its local days across the DST change, each with a make-up credit', async () => {
    const before = await book('2027-11-05T23:30:00-03:00');
    const first = await book('2027-11-06T00:00:00-03:00');
    const afterChange = await book('2027-11-08T16:00:00-04:00');
    const lastDay = await book('2027-11-08T23:30:00-04:00');
    const after = await book('2027-11-09T00:00:00-04:00');

    const res = await call(s.stack, s.admin, 'POST', '/api/v1/closures?cancelLessons=true', { name: 'Long weekend', startsOn: '2027-11-06', endsOn: '2027-11-08' });
    expect(res.status).toBe(201);
    expect(res.body.closure).toMatchObject({ name: 'Long weekend', startsOn: '2027-11-06', endsOn: '2027-11-08' });
    const hit = res.body.affectedLessons as { id: number; scheduledAt: string; outcome: string; makeupCreditId: number | null; studentName: string; teacherName: string }[];
    expect(hit.map((l) => [l.id, l.scheduledAt, l.outcome])).toEqual([
      [first, '2027-11-06T00:00:00-03:00', 'cancelled'],
      [afterChange, '2027-11-08T16:00:00-04:00', 'cancelled'],
      [lastDay, '2027-11-08T23:30:00-04:00', 'cancelled'],
    ]);
    expect(hit[0]).toMatchObject({ studentId, studentName: 'Emma Pupil', teacherId: teacher.teacherId, teacherName: 'Clara Tester', endsAt: '2027-11-06T00:30:00-03:00' });
    expect(await Promise.all([before, first, afterChange, lastDay, after].map(statusOf))).toEqual(['scheduled', 'cancelled', 'cancelled', 'cancelled', 'scheduled']);
    const cancelled = await call(s.stack, s.admin, 'GET', `/api/v1/lessons/${afterChange}`);
    expect(cancelled.body.cancellationReason).toBe('The school is closed: Long weekend');

    const credits = await call(s.stack, s.parent, 'GET', `/api/v1/makeup-credits?studentId=${studentId}&status=open`);
    expect(credits.status).toBe(200);
    expect(credits.body.data.map((c: { id: number }) => c.id).sort()).toEqual(hit.map((l) => l.makeupCreditId).sort());
    expect(credits.body.data.map((c: { sourceLessonId: number }) => c.sourceLessonId)).toEqual([first, afterChange, lastDay]);

    // The family and the teacher are told of each cancelled lesson, in the school's name, with its local time.
    const parentMail = await s.sink.waitFor((m) => m.to.includes(s.parent.email) && m.subject.startsWith('Lesson cancelled') && m.text.includes('4:00'));
    expect(parentMail.text).toContain(SCHOOL_NAME);
    expect(parentMail.text).toContain('Long weekend');
    await s.sink.waitFor((m) => m.to.includes(teacher.email) && m.subject.startsWith('Lesson cancelled') && m.text.includes('4:00'));
  }, 60_000);

  it('without cancelLessons only lists the lessons; a closure that hits none is created either way', async () => {
    const lesson = await book('2027-12-01T10:00:00-04:00');
    const listed = await call(s.stack, s.admin, 'POST', '/api/v1/closures', { name: 'Snow day', startsOn: '2027-12-01', endsOn: '2027-12-01' });
    expect(listed.status).toBe(201);
    expect(listed.body.affectedLessons).toEqual([expect.objectContaining({ id: lesson, outcome: 'unchanged', makeupCreditId: null, scheduledAt: '2027-12-01T10:00:00-04:00' })]);
    expect(await statusOf(lesson)).toBe('scheduled');

    const empty = await call(s.stack, s.admin, 'POST', '/api/v1/closures?cancelLessons=true', { name: 'Quiet day', startsOn: '2027-12-02', endsOn: '2027-12-02' });
    expect(empty.status).toBe(201);
    expect(empty.body.affectedLessons).toEqual([]);
    const closures = await call(s.stack, s.admin, 'GET', '/api/v1/closures?from=2027-12-02&to=2027-12-02');
    expect(closures.body.data.map((c: { name: string }) => c.name)).toEqual(['Quiet day']);
  });

  it('refuses bad input with nothing changed: a range that ends before it starts, a duplicate, a bad flag, a teacher', async () => {
    const lesson = await book('2027-12-10T10:00:00-04:00');
    await call(s.stack, s.admin, 'POST', '/api/v1/closures', { name: 'Exam day', startsOn: '2027-12-09', endsOn: '2027-12-09' });
    const closuresBefore = await count('closures');
    const creditsBefore = await count('makeup_credits');

    const backwards = await call(s.stack, s.admin, 'POST', '/api/v1/closures?cancelLessons=true', { name: 'Backwards', startsOn: '2027-12-11', endsOn: '2027-12-10' });
    expect(backwards.status).toBe(400);
    expect(fieldsOf(backwards.body)).toEqual(['body.endsOn']);
    const duplicate = await call(s.stack, s.admin, 'POST', '/api/v1/closures?cancelLessons=true', { name: 'Exam day', startsOn: '2027-12-09', endsOn: '2027-12-10' });
    expect(duplicate.status).toBe(409);
    expect(fieldsOf(duplicate.body)).toEqual(['body.name']);
    const flag = await call(s.stack, s.admin, 'POST', '/api/v1/closures?cancelLessons=yes', { name: 'Flag', startsOn: '2027-12-10', endsOn: '2027-12-10' });
    expect(flag.status).toBe(400);
    expect(fieldsOf(flag.body)).toEqual(['querystring.cancelLessons']);
    const byTeacher = await call(s.stack, teacher, 'POST', '/api/v1/closures?cancelLessons=true', { name: 'Mine', startsOn: '2027-12-10', endsOn: '2027-12-10' });
    expect(byTeacher.status).toBe(403);

    expect(await count('closures')).toBe(closuresBefore);
    expect(await count('makeup_credits')).toBe(creditsBefore);
    expect(await statusOf(lesson)).toBe('scheduled');
  });
});
