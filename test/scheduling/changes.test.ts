import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, call, createSchool, inDays, inHours, insertLesson, lessonBody, type School } from './helpers.js';

let s: School;
beforeAll(async () => {
  s = await createSchool();
});
afterAll(async () => {
  await s?.t.close();
});

const book = async (scheduledAt: string, extra: Record<string, unknown> = {}): Promise<number> => {
  const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, scheduledAt, extra));
  expect(res.status).toBe(201);
  return res.body.id as number;
};
const credits = async (): Promise<{ id: number; source_lesson_id: number; used_lesson_id: number | null }[]> =>
  s.db.sql.query('SELECT id, source_lesson_id, used_lesson_id FROM makeup_credits WHERE student_id = $1 ORDER BY id', [s.studentId]);

describe('cancel', () => {
  it('lets a parent cancel in time and grants a make-up credit', async () => {
    const id = await book(inDays(5, '09:00'));
    const res = await call(s.t, s.parent, 'POST', `/api/v1/lessons/${id}/cancel`, { reason: 'Sick' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'cancelled', cancellationReason: 'Sick', makeupCreditId: expect.any(Number) });
    expect((await credits()).find((c) => c.source_lesson_id === id)?.id).toBe(res.body.makeupCreditId);
    const again = await call(s.t, s.parent, 'POST', `/api/v1/lessons/${id}/cancel`, {});
    expect(again.status).toBe(409);
  });

  it('refuses a parent outside the cancellation window (409), while the school may cancel and grants a credit', async () => {
    const id = await book(inHours(5));
    const late = await call(s.t, s.parent, 'POST', `/api/v1/lessons/${id}/cancel`, {});
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/outside the cancellation window/);
    expect(late.body.error.details.cancellationWindowHours).toBe(24);
    const school = await call(s.t, s.teacher, 'POST', `/api/v1/lessons/${id}/cancel`, { reason: 'Teacher ill' });
    expect(school.status).toBe(200);
    expect(school.body.makeupCreditId).toEqual(expect.any(Number));
  });

  it('grants no credit for a late family cancellation recorded by the office, nor for a demo', async () => {
    const late = await book(inHours(6));
    const res = await call(s.t, s.admin, 'POST', `/api/v1/lessons/${late}/cancel`, { initiatedBy: 'family' });
    expect(res.status).toBe(200);
    expect(res.body.makeupCreditId).toBeNull();
    const demo = await book(inDays(6, '09:00'), { lessonType: 'demo' });
    expect((await call(s.t, s.admin, 'POST', `/api/v1/lessons/${demo}/cancel`, {})).body.makeupCreditId).toBeNull();
    expect((await credits()).some((c) => c.source_lesson_id === late || c.source_lesson_id === demo)).toBe(false);
  });

  it("answers 404 when a parent touches another family's lesson", async () => {
    const theirs = await book(inDays(7, '09:00'), { studentId: s.otherStudentId });
    expect((await call(s.t, s.parent, 'GET', `/api/v1/lessons/${theirs}`)).status).toBe(404);
    expect((await call(s.t, s.parent, 'POST', `/api/v1/lessons/${theirs}/cancel`, {})).status).toBe(404);
    expect((await call(s.t, s.parent, 'POST', `/api/v1/lessons/${theirs}/reschedule`, { scheduledAt: inDays(8) })).status).toBe(404);
    expect((await call(s.t, s.otherParent, 'GET', `/api/v1/lessons/${theirs}`)).status).toBe(200);
    const mine = await call(s.t, s.parent, 'GET', `/api/v1/lessons?pageSize=200`);
    expect(mine.body.data.every((l: { studentId: number }) => l.studentId === s.studentId)).toBe(true);
  });
});

describe('make-up lessons', () => {
  it('use a credit; without one a make-up lesson is refused', async () => {
    const unused = (await credits()).filter((c) => c.used_lesson_id === null);
    expect(unused.length).toBeGreaterThan(0);
    for (let i = 0; i < unused.length; i += 1) await book(inDays(30 + i, '09:00'), { lessonType: 'makeup' });
    expect((await credits()).every((c) => c.used_lesson_id !== null)).toBe(true);
    const none = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, inDays(40, '09:00'), { lessonType: 'makeup' }));
    expect(none.status).toBe(409);
    expect(none.body.error.message).toMatch(/no unused make-up credit/);
  });
});

describe('reschedule', () => {
  it('moves a lesson in one transaction: the old one is rescheduled, the new one points back', async () => {
    const id = await book(inDays(9, '09:00'));
    const to = inDays(9, '11:00');
    const res = await call(s.t, s.parent, 'POST', `/api/v1/lessons/${id}/reschedule`, { scheduledAt: to });
    expect(res.status).toBe(200);
    expect(res.body.previous).toMatchObject({ id, status: 'rescheduled' });
    expect(res.body.lesson).toMatchObject({ status: 'scheduled', rescheduledFromId: id, durationMinutes: 30 });
    expect(Date.parse(res.body.lesson.scheduledAt)).toBe(Date.parse(to));
    expect(await auditCount(s.db, id)).toBe(2); // create + reschedule
  });

  it('refuses inside the reschedule window (409) except for an admin', async () => {
    const id = await book(inHours(4));
    const res = await call(s.t, s.parent, 'POST', `/api/v1/lessons/${id}/reschedule`, { scheduledAt: inDays(9, '13:00') });
    expect(res.status).toBe(409);
    expect(res.body.error.details.rescheduleWindowHours).toBe(24);
    expect((await call(s.t, s.admin, 'POST', `/api/v1/lessons/${id}/reschedule`, { scheduledAt: inDays(9, '13:00') })).status).toBe(200);
  });

  it('answers 409 with alternatives when the new time is taken', async () => {
    await book(inDays(10, '09:00'), { studentId: s.otherStudentId });
    const id = await book(inDays(10, '12:00'));
    const res = await call(s.t, s.admin, 'POST', `/api/v1/lessons/${id}/reschedule`, { scheduledAt: inDays(10, '09:00') });
    expect(res.status).toBe(409);
    expect(res.body.error.details.alternatives[0].startsAt).toMatch(/T09:30:00-0[34]:00$/);
    // Moving within its own time (overlapping itself) is fine.
    expect((await call(s.t, s.admin, 'POST', `/api/v1/lessons/${id}/reschedule`, { scheduledAt: inDays(10, '12:15') })).status).toBe(200);
  });
});

describe('complete and edit', () => {
  it('lets the teacher complete a started lesson with attendance; not a future one', async () => {
    const past = await insertLesson(s.db, { studentId: s.studentId, teacherId: s.teacher.teacherId!, at: inHours(-30) });
    const res = await call(s.t, s.teacher, 'POST', `/api/v1/lessons/${past}/complete`, { attendance: 'late', notes: 'Good progress' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', attendance: 'late', notes: 'Good progress', completedAt: expect.any(String) });
    const future = await book(inDays(11, '09:00'));
    expect((await call(s.t, s.teacher, 'POST', `/api/v1/lessons/${future}/complete`, { attendance: 'present' })).status).toBe(409);
    expect((await call(s.t, s.parent, 'POST', `/api/v1/lessons/${future}/complete`, { attendance: 'present' })).status).toBe(403);
    expect((await call(s.t, s.teacher, 'POST', `/api/v1/lessons/${future}/complete`, { attendance: 'asleep' })).status).toBe(400);
  });

  it('lets an admin set notes and payment status, a teacher only notes', async () => {
    const id = await book(inDays(12, '09:00'));
    expect((await call(s.t, s.admin, 'PATCH', `/api/v1/lessons/${id}`, { paymentStatus: 'paid' })).body.paymentStatus).toBe('paid');
    expect((await call(s.t, s.teacher, 'PATCH', `/api/v1/lessons/${id}`, { notes: 'Bring book' })).body.notes).toBe('Bring book');
    expect((await call(s.t, s.teacher, 'PATCH', `/api/v1/lessons/${id}`, { paymentStatus: 'waived' })).status).toBe(403);
    expect((await call(s.t, s.parent, 'PATCH', `/api/v1/lessons/${id}`, { notes: 'x' })).status).toBe(403);
    expect(await auditCount(s.db, id)).toBe(3);
  });
});
