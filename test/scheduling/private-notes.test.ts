/**
 * Lesson notes: `notes` are shared with the family, `privateNotes` are the teacher's and the
 * office's only and never reach a parent (one lesson, the list, the week view, the cancel and
 * reschedule answers, the calendar feed). Parents set neither. The teacher's week view (and the
 * lists) name the students, a substitute teacher's too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { call, createSchool, fieldsOf, inDays, insertStudent, lessonBody, setHours, type School, type TestUser } from './helpers.js';

const PRIVATE = 'Struggles with the left hand; talk to the office about fees';
let s: School;

beforeAll(async () => {
  s = await createSchool();
});
afterAll(async () => {
  await s?.t.close();
});

const get = (user: TestUser, url: string) => call(s.t, user, 'GET', url);
const dateOf = (iso: string): string => iso.slice(0, 10);

async function bookWithNotes(at: string) {
  const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, at, { notes: 'Bring the Czerny book', privateNotes: PRIVATE }));
  expect(res.status).toBe(201);
  return res.body;
}

describe('private notes', () => {
  it('the office and the teacher see them; the family never does, in any answer', async () => {
    const lesson = await bookWithNotes(inDays(6, '16:00'));
    expect(lesson).toMatchObject({ notes: 'Bring the Czerny book', privateNotes: PRIVATE });
    expect((await get(s.admin, `/api/v1/lessons/${lesson.id}`)).body.privateNotes).toBe(PRIVATE);
    expect((await get(s.teacher, `/api/v1/lessons/${lesson.id}`)).body.privateNotes).toBe(PRIVATE);

    const one = await get(s.parent, `/api/v1/lessons/${lesson.id}`);
    expect(one.status).toBe(200);
    expect(one.body.notes).toBe('Bring the Czerny book');
    expect(one.body).not.toHaveProperty('privateNotes');

    const list = await get(s.parent, `/api/v1/lessons?studentId=${s.studentId}`);
    expect(list.body.data.find((l: { id: number }) => l.id === lesson.id)).toMatchObject({ notes: 'Bring the Czerny book' });
    expect(list.text).not.toContain('privateNotes');
    expect(list.text).not.toContain('left hand');

    const week = await get(s.parent, `/api/v1/lessons/schedule/view?view=week&date=${dateOf(lesson.scheduledAt)}`);
    expect(week.status).toBe(200);
    expect(week.text).toContain(`"id":${lesson.id}`);
    expect(week.text).not.toContain('left hand');

    const feed = await call(s.t, s.parent, 'POST', '/api/v1/calendar/feeds', {});
    const ics = await call(s.t, null, 'GET', `/api/v1/calendar/${feed.body.token}.ics`);
    expect(ics.text).toContain(`UID:lesson-${lesson.id}@`);
    expect(ics.text).not.toContain('left hand');
    expect(ics.text).not.toContain('Czerny');

    const moved = await call(s.t, s.parent, 'POST', `/api/v1/lessons/${lesson.id}/reschedule`, { scheduledAt: inDays(6, '17:00') });
    expect(moved.status).toBe(200);
    expect(moved.text).not.toContain('left hand');
    expect(moved.body.lesson.notes).toBe('Bring the Czerny book');
    // The moved lesson keeps both notes.
    expect((await get(s.teacher, `/api/v1/lessons/${moved.body.lesson.id}`)).body).toMatchObject({ notes: 'Bring the Czerny book', privateNotes: PRIVATE });

    const cancelled = await call(s.t, s.parent, 'POST', `/api/v1/lessons/${moved.body.lesson.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).not.toHaveProperty('privateNotes');
    expect(cancelled.text).not.toContain('left hand');
  });

  it('the teacher writes and clears them with PATCH and when completing; the family cannot', async () => {
    const lesson = await bookWithNotes(inDays(7, '10:00'));
    const patched = await call(s.t, s.teacher, 'PATCH', `/api/v1/lessons/${lesson.id}`, { privateNotes: 'Ready for grade 3' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ privateNotes: 'Ready for grade 3', notes: 'Bring the Czerny book' });
    const cleared = await call(s.t, s.admin, 'PATCH', `/api/v1/lessons/${lesson.id}`, { privateNotes: null });
    expect(cleared.body.privateNotes).toBeNull();

    const byParent = await call(s.t, s.parent, 'PATCH', `/api/v1/lessons/${lesson.id}`, { privateNotes: 'mine' });
    expect(byParent.status).toBe(403);
    expect((await get(s.admin, `/api/v1/lessons/${lesson.id}`)).body.privateNotes).toBeNull();

    const [past] = await s.db.sql.query<{ id: number }>(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, ends_at, duration_minutes) VALUES ($1, $2, now() - interval '2 hours', now() - interval '90 minutes', 30) RETURNING id`,
      [s.studentId, s.teacher.teacherId],
    );
    const done = await call(s.t, s.teacher, 'POST', `/api/v1/lessons/${past!.id}/complete`, { attendance: 'present', notes: 'Well done', privateNotes: 'Tired today' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ notes: 'Well done', privateNotes: 'Tired today' });
    const seen = await get(s.parent, `/api/v1/lessons/${past!.id}`);
    expect(seen.body.notes).toBe('Well done');
    expect(seen.text).not.toContain('Tired today');
  });

  it('a parent booking with notes of either kind is refused naming the field, and nothing is booked', async () => {
    const at = inDays(9, '16:00');
    for (const field of ['notes', 'privateNotes'] as const) {
      const res = await call(s.t, s.parent, 'POST', '/api/v1/lessons/schedule', lessonBody(s, at, { [field]: 'from the family' }));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(`body.${field}`);
      expect(fieldsOf(res.body)).toEqual([`body.${field}`]);
    }
    expect(await s.db.sql.query(`SELECT 1 FROM lessons WHERE scheduled_at = $1::timestamptz`, [at])).toEqual([]);
  });

  it('notes longer than 2000 characters are refused naming the field, with nothing changed', async () => {
    const long = 'x'.repeat(2001);
    const create = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, inDays(10, '16:00'), { privateNotes: long }));
    expect(create.status).toBe(400);
    expect(fieldsOf(create.body)).toEqual(['body.privateNotes']);
    const lesson = await bookWithNotes(inDays(10, '17:00'));
    for (const field of ['notes', 'privateNotes']) {
      const res = await call(s.t, s.teacher, 'PATCH', `/api/v1/lessons/${lesson.id}`, { [field]: long });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual([`body.${field}`]);
    }
    const wrongType = await call(s.t, s.teacher, 'PATCH', `/api/v1/lessons/${lesson.id}`, { privateNotes: 42 });
    expect(wrongType.status).toBe(400);
    expect(fieldsOf(wrongType.body)).toEqual(['body.privateNotes']);
    expect((await get(s.admin, `/api/v1/lessons/${lesson.id}`)).body).toMatchObject({ notes: 'Bring the Czerny book', privateNotes: PRIVATE });
  });
});

describe("the teacher's week names the students", () => {
  it('each lesson of the week view and of the list carries the student first and last name, a substitute’s too', async () => {
    const at = inDays(12, '15:00');
    const lesson = await bookWithNotes(at);
    const week = await get(s.teacher, `/api/v1/lessons/schedule/view?view=week&date=${dateOf(at)}`);
    expect(week.status).toBe(200);
    const found = week.body.days.flatMap((d: { lessons: unknown[] }) => d.lessons).find((l: { id: number }) => l.id === lesson.id);
    expect(found).toMatchObject({ studentId: s.studentId, studentFirstName: 'Emma', studentLastName: 'Pupil', privateNotes: PRIVATE });

    const list = await get(s.teacher, `/api/v1/lessons?from=${encodeURIComponent(inDays(12, '00:00'))}&to=${encodeURIComponent(inDays(13, '00:00'))}`);
    expect(list.body.data.find((l: { id: number }) => l.id === lesson.id)).toMatchObject({ studentFirstName: 'Emma', studentLastName: 'Pupil' });

    // A substitute (not the student's assigned teacher, so the student row is not theirs to read) still sees whom they teach.
    const substitute = await createUser(s.db, 'teacher', { firstName: 'Sub' });
    await setHours(
      s.db,
      substitute.teacherId!,
      [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
    );
    const noah = await insertStudent(s.db, s.otherParent.id, s.teacher.teacherId, { name: 'Noah' });
    const covered = await call(s.t, s.admin, 'POST', '/api/v1/lessons', { studentId: noah, teacherId: substitute.teacherId, scheduledAt: inDays(12, '18:00') });
    expect(covered.status).toBe(201);
    const theirs = await get(substitute, `/api/v1/lessons/schedule/view?view=week&date=${dateOf(at)}`);
    const lessons = theirs.body.days.flatMap((d: { lessons: unknown[] }) => d.lessons);
    expect(lessons).toEqual([expect.objectContaining({ id: covered.body.id, studentFirstName: 'Noah', studentLastName: 'Pupil' })]);
    expect((await get(substitute, `/api/v1/lessons/${covered.body.id}`)).body).toMatchObject({ studentFirstName: 'Noah' });
  });
});
