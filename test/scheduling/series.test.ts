import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, call, createSchool, lessonBody, nextMonday, zone, type School } from './helpers.js';

let s: School;
beforeAll(async () => {
  s = await createSchool();
});
afterAll(async () => {
  await s?.t.close();
});

const seriesCount = async (seriesId: string): Promise<number> =>
  (await s.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM lessons WHERE series_id = $1', [seriesId]))[0]!.n;
const lessonCount = async (): Promise<number> => (await s.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM lessons'))[0]!.n;

describe('recurring lessons', () => {
  it('keeps a weekly 16:00 series at 16:00 local for a year, through the March and November changes', async () => {
    const first = nextMonday(3, '16:00');
    const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, first, { recurrence: { frequency: 'weekly', count: 60 } }));
    expect(res.status).toBe(201);
    const lessons = res.body.lessons as { scheduledAt: string; seriesId: string }[];
    expect(lessons).toHaveLength(60);
    expect(lessons.every((l) => /T16:00:00-0[34]:00$/.test(l.scheduledAt) && l.seriesId === res.body.seriesId)).toBe(true);
    const local = lessons.map((l) => DateTime.fromISO(l.scheduledAt, { zone }));
    expect(local.every((d) => d.weekday === 1 && d.hour === 16 && d.minute === 0)).toBe(true);
    // 60 weeks always include both changes: UTC hours 19 (ADT) and 20 (AST) both appear.
    expect(new Set(lessons.map((l) => new Date(l.scheduledAt).getUTCHours()))).toEqual(new Set([19, 20]));
    expect(await seriesCount(res.body.seriesId)).toBe(60);
    expect(await auditCount(s.db)).toBeGreaterThanOrEqual(60);
  });

  it('skips closures (count counts lessons) and honours until', async () => {
    const first = DateTime.fromISO(nextMonday(3, '09:00'), { zone });
    const closed = first.plus({ weeks: 1 }).toISODate()!;
    await s.db.sql.query(`INSERT INTO closures (name, starts_on, ends_on) VALUES ('Break', $1, $1)`, [closed]);
    const body = { ...lessonBody(s, first.toISO()!), studentId: s.otherStudentId };
    const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...body, recurrence: { frequency: 'weekly', count: 3 } });
    expect(res.status).toBe(201);
    expect(res.body.skipped).toEqual([{ date: closed, closure: 'Break' }]);
    expect(res.body.lessons.map((l: { scheduledAt: string }) => DateTime.fromISO(l.scheduledAt, { zone }).toISODate())).toEqual([
      first.toISODate(),
      first.plus({ weeks: 2 }).toISODate(),
      first.plus({ weeks: 3 }).toISODate(),
    ]);
    const until = first.plus({ weeks: 8 }).toISODate()!;
    const biweekly = await call(s.t, s.admin, 'POST', '/api/v1/lessons', {
      ...lessonBody(s, first.set({ hour: 11 }).toISO()!),
      studentId: s.otherStudentId,
      recurrence: { frequency: 'biweekly', until },
    });
    expect(biweekly.body.lessons).toHaveLength(5); // weeks 0, 2, 4, 6 and 8 (the until date itself)
    expect(biweekly.body.lessons.at(-1).scheduledAt.slice(0, 10) <= until).toBe(true);
  });

  it('is all-or-nothing: one conflicting occurrence → 409 per occurrence, nothing written', async () => {
    const first = DateTime.fromISO(nextMonday(3, '13:00'), { zone });
    const third = first.plus({ weeks: 2 });
    const blocker = await call(s.t, s.admin, 'POST', '/api/v1/lessons', { ...lessonBody(s, third.toISO()!), studentId: s.otherStudentId });
    expect(blocker.status).toBe(201);
    const before = await lessonCount();
    const res = await call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, first.toISO()!, { recurrence: { frequency: 'weekly', count: 5 } }));
    expect(res.status).toBe(409);
    expect(res.body.error.details.conflicts).toEqual([
      {
        occurrence: expect.stringMatching(new RegExp(`^${third.toISODate()}T13:00:00`)),
        reasons: [expect.objectContaining({ kind: 'teacher_overlap', lessonId: blocker.body.id })],
      },
    ]);
    expect(await lessonCount()).toBe(before);
  });

  it('validates the recurrence', async () => {
    const bad = async (recurrence: unknown) => call(s.t, s.admin, 'POST', '/api/v1/lessons', lessonBody(s, nextMonday(3, '14:00'), { recurrence }));
    expect((await bad({ frequency: 'weekly' })).status).toBe(400);
    expect((await bad({ frequency: 'weekly', count: 2, until: '2099-01-01' })).status).toBe(400);
    expect((await bad({ frequency: 'daily', count: 2 })).status).toBe(400);
    expect((await bad({ frequency: 'weekly', count: 61 })).status).toBe(400);
  });
});
