/**
 * POST /teachers/{id}/time-off answers {timeOff, affectedLessons} and acts on the lessons inside:
 * hands them to a substitute who teaches the instrument and is free (the family and the substitute
 * are told, by mail in the school's name with local times), cancels them, or offers a make-up.
 * Overlapping time off and unfit substitutes are refused with nothing changed. A weekly series
 * skips the teacher's time off. Dates around the November 2027 change in America/Halifax.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisruptedSchool, SCHOOL_NAME, type DisruptedSchool } from './disruption-fixture.js';
import { call, fieldsOf, type TestUser } from './helpers.js';

let s: DisruptedSchool;
beforeAll(async () => {
  s = await createDisruptedSchool();
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const MAIL_WAIT_MS = 25_000;
const timeOffUrl = (teacher: TestUser): string => `/api/v1/teachers/${teacher.teacherId}/time-off`;

async function book(teacher: TestUser, studentId: number, scheduledAt: string): Promise<number> {
  const res = await call(s.stack, s.admin, 'POST', '/api/v1/lessons', { studentId, teacherId: teacher.teacherId, scheduledAt, durationMinutes: 30 });
  expect(res.status).toBe(201);
  return res.body.id;
}
const lesson = async (id: number) => (await call(s.stack, s.admin, 'GET', `/api/v1/lessons/${id}`)).body;
const timeOffCount = async (teacher: TestUser): Promise<number> =>
  (await s.sql<{ n: number }>('SELECT count(*)::int AS n FROM teacher_time_off WHERE teacher_id = $1', [teacher.teacherId]))[0]!.n;

describe('time off with a substitute teacher', () => {
  it('hands the lessons to the substitute, who is then busy; the family and the substitute are told', async () => {
    const clara = await s.teacher('Clara');
    const fanny = await s.teacher('Fanny', ['piano', 'voice']);
    const emma = await s.student(s.parent.id, clara.teacherId!, 'Emma');
    const beforeChange = await book(clara, emma, '2027-11-04T16:00:00-03:00');
    const afterChange = await book(clara, emma, '2027-11-08T16:00:00-04:00');
    const outside = await book(clara, emma, '2027-11-09T16:00:00-04:00');

    const res = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), {
      startsAt: '2027-11-04T00:00:00-03:00',
      endsAt: '2027-11-09T00:00:00-04:00',
      reason: 'Conference',
      substituteTeacherId: fanny.teacherId,
    });
    expect(res.status).toBe(201);
    expect(res.body.timeOff).toMatchObject({ teacherId: clara.teacherId, reason: 'Conference' });
    expect(
      res.body.affectedLessons.map((l: { id: number; scheduledAt: string; outcome: string; substituteTeacherId: number }) => [
        l.id,
        l.scheduledAt,
        l.outcome,
        l.substituteTeacherId,
      ]),
    ).toEqual([
      [beforeChange, '2027-11-04T16:00:00-03:00', 'substituted', fanny.teacherId],
      [afterChange, '2027-11-08T16:00:00-04:00', 'substituted', fanny.teacherId],
    ]);
    expect(await lesson(afterChange)).toMatchObject({ status: 'scheduled', teacherId: clara.teacherId, substituteTeacherId: fanny.teacherId });
    expect((await lesson(outside)).substituteTeacherId).toBeNull();

    const family = await s.sink.waitFor((m) => m.to.includes(s.parent.email) && m.subject.startsWith('Substitute teacher'), MAIL_WAIT_MS);
    expect(family.subject).toBe('Substitute teacher for Emma Pupil: Thursday, November 4, 2027 at 4:00 p.m. ADT');
    expect(family.text).toContain('Hello Pat,');
    expect(family.text).toContain("Clara Tester is away, so Emma Pupil's lessons are taught by Fanny Tester");
    expect(family.text).toContain('2 lessons from Thursday, November 4, 2027 at 4:00 p.m. ADT to Monday, November 8, 2027 at 4:00 p.m. AST');
    expect(family.text).toContain(SCHOOL_NAME);
    const substitute = await s.sink.waitFor((m) => m.to.includes(fanny.email), MAIL_WAIT_MS);
    expect(substitute.subject).toBe('Covering for Clara Tester: Emma Pupil, Thursday, November 4, 2027 at 4:00 p.m. ADT');
    expect(substitute.text).toContain('You are teaching Emma Pupil in place of Clara Tester');
    expect(substitute.html).toContain('Maple &amp; Cedar Music');

    // The substitute is busy at those times: the conflict check says so and booking is refused.
    const check = await call(s.stack, s.admin, 'POST', '/api/v1/lessons/check-conflicts', {
      teacherId: fanny.teacherId,
      scheduledAt: '2027-11-08T16:00:00-04:00',
      durationMinutes: 30,
    });
    expect(check.body.conflicts).toEqual([expect.objectContaining({ kind: 'teacher_overlap', lessonId: afterChange })]);
    const noah = await s.student(s.otherParent.id, fanny.teacherId!, 'Noah');
    const clash = await call(s.stack, s.admin, 'POST', '/api/v1/lessons', {
      studentId: noah,
      teacherId: fanny.teacherId,
      scheduledAt: '2027-11-08T16:15:00-04:00',
      durationMinutes: 30,
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.details.conflicts).toEqual([expect.objectContaining({ kind: 'teacher_overlap', lessonId: afterChange })]);

    // The substitute sees the lessons they cover (in their list, by their teacher id, in their
    // calendar feed) and writes their notes; the absent teacher still sees them too.
    const covered = await call(s.stack, fanny, 'GET', `/api/v1/lessons?teacherId=${fanny.teacherId}&from=2027-11-01&to=2027-11-30`);
    expect(covered.body.data.map((l: { id: number }) => l.id)).toEqual([beforeChange, afterChange]);
    expect((await call(s.stack, fanny, 'GET', '/api/v1/lessons?from=2027-11-01&to=2027-11-30')).body.data.map((l: { id: number }) => l.id)).toEqual([beforeChange, afterChange]);
    const noted = await call(s.stack, fanny, 'PATCH', `/api/v1/lessons/${afterChange}`, { notes: 'Scales in G, then the minuet.' });
    expect(noted.status, JSON.stringify(noted.body)).toBe(200);
    expect((await call(s.stack, fanny, 'GET', `/api/v1/lessons/${outside}`)).status).toBe(404);
    expect((await call(s.stack, clara, 'GET', `/api/v1/lessons/${afterChange}`)).body.notes).toBe('Scales in G, then the minuet.');
    const feed = await call(s.stack, fanny, 'POST', '/api/v1/calendar/feeds', {});
    expect(feed.status, JSON.stringify(feed.body)).toBe(201);
    const ics = await s.stack.app.inject({ method: 'GET', url: new URL(feed.body.url).pathname });
    expect(ics.body.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  }, 60_000);

  it('refuses a substitute who does not teach the instrument or is busy, naming the lessons; nothing changes', async () => {
    const clara = await s.teacher('Clara');
    const violinist = await s.teacher('Vera', ['violin']);
    const busy = await s.teacher('Bea');
    const emma = await s.student(s.parent.id, clara.teacherId!, 'Emma');
    const first = await book(clara, emma, '2027-11-15T16:00:00-04:00');
    const second = await book(clara, emma, '2027-11-16T16:00:00-04:00');
    const own = await s.student(s.otherParent.id, busy.teacherId!, 'Noah');
    await book(busy, own, '2027-11-16T16:15:00-04:00');
    const body = { startsAt: '2027-11-15T00:00:00-04:00', endsAt: '2027-11-17T00:00:00-04:00' };

    const wrongInstrument = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { ...body, substituteTeacherId: violinist.teacherId });
    expect(wrongInstrument.status).toBe(409);
    expect(wrongInstrument.body.error.details.map((d: { field: string; lessonId: number }) => [d.field, d.lessonId])).toEqual([
      ['body.substituteTeacherId', first],
      ['body.substituteTeacherId', second],
    ]);
    expect(wrongInstrument.body.error.message).toMatch(/does not teach piano/);

    const busyRes = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { ...body, substituteTeacherId: busy.teacherId });
    expect(busyRes.status).toBe(409);
    expect(busyRes.body.error.details).toEqual([expect.objectContaining({ field: 'body.substituteTeacherId', lessonId: second, scheduledAt: '2027-11-16T16:00:00-04:00' })]);

    const self = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { ...body, substituteTeacherId: clara.teacherId });
    expect(self.status).toBe(400);
    expect(fieldsOf(self.body)).toEqual(['body.substituteTeacherId']);
    const unknown = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { ...body, substituteTeacherId: 999_999 });
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown.body)).toEqual(['body.substituteTeacherId']);
    const twoActions = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { ...body, substituteTeacherId: busy.teacherId, cancelLessons: true });
    expect(twoActions.status).toBe(400);
    expect(fieldsOf(twoActions.body)).toEqual(['body.cancelLessons', 'body.substituteTeacherId']);

    expect(await timeOffCount(clara)).toBe(0);
    expect([(await lesson(first)).substituteTeacherId, (await lesson(second)).substituteTeacherId]).toEqual([null, null]);
  }, 60_000);
});

describe('time off that cancels or offers a make-up', () => {
  it('the teacher themself cancels the lessons inside, each with a make-up credit', async () => {
    const clara = await s.teacher('Clara');
    const emma = await s.student(s.parent.id, clara.teacherId!, 'Emma');
    const inside = await book(clara, emma, '2027-11-22T16:00:00-04:00');
    const res = await call(s.stack, clara, 'POST', timeOffUrl(clara), { startsAt: '2027-11-22T00:00:00-04:00', endsAt: '2027-11-23T00:00:00-04:00', cancelLessons: true });
    expect(res.status).toBe(201);
    expect(res.body.affectedLessons).toEqual([expect.objectContaining({ id: inside, outcome: 'cancelled', makeupCreditId: expect.any(Number) })]);
    expect(await lesson(inside)).toMatchObject({ status: 'cancelled', cancellationReason: 'Clara Tester is away' });
  });

  it('offerReschedule cancels with a credit and a reason inviting the family to book the make-up', async () => {
    const clara = await s.teacher('Clara');
    const emma = await s.student(s.parent.id, clara.teacherId!, 'Emma');
    const inside = await book(clara, emma, '2027-11-24T16:00:00-04:00');
    const res = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { startsAt: '2027-11-24T00:00:00-04:00', endsAt: '2027-11-25T00:00:00-04:00', offerReschedule: true });
    expect(res.status).toBe(201);
    const [hit] = res.body.affectedLessons;
    expect(hit).toMatchObject({ id: inside, outcome: 'cancelled' });
    expect((await lesson(inside)).cancellationReason).toMatch(/please book a make-up lesson/);
    const credits = await call(s.stack, s.parent, 'GET', `/api/v1/makeup-credits?studentId=${emma}`);
    expect(credits.body.data).toEqual([expect.objectContaining({ id: hit.makeupCreditId, sourceLessonId: inside, status: 'open' })]);
  });
});

describe('overlapping time off', () => {
  it('is refused with 409 naming body.startsAt, nothing added; back-to-back time off is fine', async () => {
    const clara = await s.teacher('Clara');
    const first = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { startsAt: '2027-12-01T00:00:00-04:00', endsAt: '2027-12-05T00:00:00-04:00' });
    expect(first.status).toBe(201);
    const overlap = await call(s.stack, clara, 'POST', timeOffUrl(clara), { startsAt: '2027-12-04T12:00:00-04:00', endsAt: '2027-12-06T00:00:00-04:00' });
    expect(overlap.status).toBe(409);
    expect(fieldsOf(overlap.body)).toEqual(['body.startsAt']);
    expect(overlap.body.error.details[0].timeOff.id).toBe(first.body.timeOff.id);
    expect(await timeOffCount(clara)).toBe(1);
    const next = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { startsAt: '2027-12-05T00:00:00-04:00', endsAt: '2027-12-06T00:00:00-04:00' });
    expect(next.status).toBe(201);
  });
});

describe("a weekly series and the teacher's time off", () => {
  it('skips the dates the teacher is away, across the November change, and reports them', async () => {
    const clara = await s.teacher('Clara');
    const emma = await s.student(s.parent.id, clara.teacherId!, 'Emma');
    const away = await call(s.stack, s.admin, 'POST', timeOffUrl(clara), { startsAt: '2027-11-08T00:00:00-04:00', endsAt: '2027-11-09T00:00:00-04:00', reason: 'Jury duty' });
    expect(away.status).toBe(201);
    const res = await call(s.stack, s.admin, 'POST', '/api/v1/lessons', {
      studentId: emma,
      teacherId: clara.teacherId,
      scheduledAt: '2027-10-25T16:00:00-03:00',
      durationMinutes: 30,
      recurrence: { frequency: 'weekly', count: 4 },
    });
    expect(res.status).toBe(201);
    expect(res.body.skipped).toEqual([{ date: '2027-11-08', timeOffId: away.body.timeOff.id, timeOff: 'Jury duty' }]);
    expect(res.body.lessons.map((l: { scheduledAt: string }) => l.scheduledAt)).toEqual([
      '2027-10-25T16:00:00-03:00',
      '2027-11-01T16:00:00-03:00',
      '2027-11-15T16:00:00-04:00',
      '2027-11-22T16:00:00-04:00',
    ]);
  });
});
