import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { buildReportSchool, type ReportSchool } from './school.js';

/** Every report's figures on the hand-built school (test/reports/school.ts), through the real app. */
let t: TestApp;
let school: ReportSchool;

beforeAll(async () => {
  t = await createTestApp();
  school = await buildReportSchool(t.database.db);
}, 60_000);
afterAll(async () => t?.close());

const get = async (url: string, headers: Record<string, string> = school.admin.headers) => {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: String(res.headers['content-type']).startsWith('application/json') ? res.json() : res.body, headers: res.headers };
};

describe('revenue', () => {
  it('bills, collects and refunds by month, as the ledger says', async () => {
    const { status, body } = await get('/api/v1/reports/revenue?from=2027-10-01&to=2027-12-31');
    expect(status).toBe(200);
    expect(body).toMatchObject({ report: 'revenue', from: '2027-10-01', to: '2027-12-31', groupBy: 'month', timezone: 'America/Halifax', teacherId: null });
    expect(body.rows).toEqual([
      { month: '2027-10', billedCents: 4500, collectedCents: 2500, refundedCents: 0, netCents: 2500 },
      { month: '2027-11', billedCents: 20000, collectedCents: 12000, refundedCents: 1500, netCents: 10500 },
      { month: '2027-12', billedCents: 0, collectedCents: 5000, refundedCents: 0, netCents: 5000 },
    ]);
    expect(body.totals).toEqual({ billedCents: 24500, collectedCents: 19500, refundedCents: 1500, netCents: 18000 });
  });

  it('groups by instrument and by teacher (a lesson payment goes to the lesson’s teacher)', async () => {
    const byInstrument = await get('/api/v1/reports/revenue?from=2027-10-01&to=2027-12-31&groupBy=instrument');
    expect(byInstrument.body.rows).toEqual([
      { instrument: 'guitar', billedCents: 8000, collectedCents: 5000, refundedCents: 0, netCents: 5000 },
      { instrument: 'piano', billedCents: 16500, collectedCents: 14500, refundedCents: 1500, netCents: 13000 },
    ]);
    const byTeacher = await get('/api/v1/reports/revenue?from=2027-10-01&to=2027-12-31&groupBy=teacher');
    expect(byTeacher.body.rows).toEqual([
      { teacherId: school.alice.teacherId, teacherName: 'Alice Able', billedCents: 14000, collectedCents: 12000, refundedCents: 1500, netCents: 10500 },
      { teacherId: school.bob.teacherId, teacherName: 'Bob Baker', billedCents: 10500, collectedCents: 7500, refundedCents: 0, netCents: 7500 },
    ]);
  });

  it('answers CSV with a header row and a total row', async () => {
    const res = await get('/api/v1/reports/revenue?from=2027-10-01&to=2027-12-31&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="revenue-2027-10-01-2027-12-31.csv"');
    expect(res.body).toBe(
      'month,billedCents,collectedCents,refundedCents,netCents\n2027-10,4500,2500,0,2500\n2027-11,20000,12000,1500,10500\n2027-12,0,5000,0,5000\ntotal,24500,19500,1500,18000\n',
    );
  });
});

describe('receivables', () => {
  it('ages what each family owed at the end of `to`', async () => {
    const [p1, p2, p3] = school.parents;
    const { status, body } = await get('/api/v1/reports/receivables?from=2027-11-01&to=2027-11-30');
    expect(status).toBe(200);
    const pick = (r: Record<string, unknown>) => [r.parentId, r.days0To30Cents, r.days31To60Cents, r.days61To90Cents, r.over90DaysCents, r.totalCents];
    expect(body.rows.map(pick)).toEqual([
      [p3.id, 0, 0, 0, 12000, 12000],
      [p1.id, 0, 2000, 7000, 0, 9000],
      [p2.id, 8000, 0, 0, 0, 8000],
    ]);
    expect(body.rows[0]).toMatchObject({ parentName: 'Pia Parent', parentEmail: p3.email });
    expect(body.totals).toEqual({ days0To30Cents: 8000, days31To60Cents: 2000, days61To90Cents: 7000, over90DaysCents: 12000, totalCents: 29000 });
  });

  it('no longer counts a debt settled before `to`, and ages the rest further', async () => {
    const { body } = await get('/api/v1/reports/receivables?to=2027-12-31');
    const [p1, p2, p3] = school.parents;
    expect(body.rows.map((r: Record<string, unknown>) => [r.parentId, r.days0To30Cents, r.days31To60Cents, r.days61To90Cents, r.over90DaysCents])).toEqual([
      [p3.id, 0, 0, 0, 12000],
      [p1.id, 0, 0, 2000, 7000],
      [p2.id, 0, 3000, 0, 0],
    ]);
  });
});

describe('retention', () => {
  it('counts active, new and left students per month', async () => {
    const { body } = await get('/api/v1/reports/retention?from=2027-09-01&to=2027-11-30');
    expect(body.rows).toEqual([
      { month: '2027-09', active: 2, new: 1, left: 0 },
      { month: '2027-10', active: 3, new: 1, left: 1 },
      { month: '2027-11', active: 2, new: 0, left: 0 },
    ]);
    expect(body.totals).toEqual({ new: 2, left: 1 });
  });

  it('splits by instrument', async () => {
    const { body } = await get('/api/v1/reports/retention?from=2027-10-01&to=2027-10-31&groupBy=instrument');
    expect(body.rows).toEqual([
      { month: '2027-10', instrument: 'guitar', active: 1, new: 1, left: 0 },
      { month: '2027-10', instrument: 'piano', active: 2, new: 0, left: 1 },
    ]);
  });
});

describe('attendance', () => {
  const zero = { lessons: 0, attended: 0, absent: 0, excused: 0, cancelledByFamily: 0, cancelledBySchool: 0, cancelledByTeacher: 0, unrecorded: 0 };

  it('counts per teacher who taught (a substitute’s lesson is theirs), by who cancelled', async () => {
    const { body } = await get('/api/v1/reports/attendance?from=2027-10-01&to=2027-11-30');
    expect(body.rows).toEqual([
      { ...zero, teacherId: school.alice.teacherId, teacherName: 'Alice Able', lessons: 5, attended: 3, absent: 1, cancelledBySchool: 1 },
      { ...zero, teacherId: school.bob.teacherId, teacherName: 'Bob Baker', lessons: 2, cancelledByFamily: 1, cancelledByTeacher: 1 },
    ]);
    expect(body.totals).toEqual({ ...zero, lessons: 7, attended: 3, absent: 1, cancelledBySchool: 1, cancelledByFamily: 1, cancelledByTeacher: 1 });
  });

  it('counts per student, and lessons past without attendance', async () => {
    const { body } = await get('/api/v1/reports/attendance?from=2027-10-01&to=2027-11-30&groupBy=student');
    expect(body.rows).toEqual([
      { ...zero, studentId: school.students.s2, studentName: 'Gus Kid', lessons: 3, attended: 1, cancelledByFamily: 1, cancelledByTeacher: 1 },
      { ...zero, studentId: school.students.s1, studentName: 'Sam Kid', lessons: 4, attended: 2, absent: 1, cancelledBySchool: 1 },
    ]);
    const past = await get('/api/v1/reports/attendance?from=2026-11-01&to=2026-11-30');
    expect(past.body.rows).toEqual([{ ...zero, teacherId: school.alice.teacherId, teacherName: 'Alice Able', lessons: 1, unrecorded: 1 }]);
  });

  it('gives a teacher their own figures only, as JSON or CSV (Accept: text/csv)', async () => {
    const own = await get('/api/v1/reports/attendance?from=2027-10-01&to=2027-11-30', school.bob.headers);
    expect(own.status).toBe(200);
    expect(own.body.teacherId).toBe(school.bob.teacherId);
    expect(own.body.rows.map((r: Record<string, unknown>) => r.teacherName)).toEqual(['Bob Baker']);
    // Read under row-level security: a teacher sees their own lessons and those they covered as a
    // substitute, so Alice's view has Sam's lessons and the one of Gus she taught for Bob.
    const csv = await get('/api/v1/reports/attendance?from=2027-10-01&to=2027-11-30&groupBy=student', { ...school.alice.headers, accept: 'text/csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body).toBe(
      'studentId,studentName,lessons,attended,absent,excused,cancelledByFamily,cancelledBySchool,cancelledByTeacher,unrecorded\n' +
        `${school.students.s2},Gus Kid,1,1,0,0,0,0,0,0\n${school.students.s1},Sam Kid,4,2,1,0,0,1,0,0\ntotal,,5,3,1,0,0,1,0,0\n`,
    );
  });
});

describe('utilisation', () => {
  it('weighs booked against available minutes per week, across the DST change, closures and time off', async () => {
    const { body } = await get('/api/v1/reports/utilisation?from=2027-11-01&to=2027-11-14');
    expect(body.rows).toEqual([
      { teacherId: school.alice.teacherId, teacherName: 'Alice Able', period: '2027-11-01', availableMinutes: 540, bookedMinutes: 30, utilisation: 0.056 },
      { teacherId: school.alice.teacherId, teacherName: 'Alice Able', period: '2027-11-08', availableMinutes: 480, bookedMinutes: 90, utilisation: 0.188 },
      { teacherId: school.bob.teacherId, teacherName: 'Bob Baker', period: '2027-11-01', availableMinutes: 390, bookedMinutes: 0, utilisation: 0 },
      { teacherId: school.bob.teacherId, teacherName: 'Bob Baker', period: '2027-11-08', availableMinutes: 0, bookedMinutes: 0, utilisation: null },
    ]);
    expect(body.totals).toEqual({ availableMinutes: 1410, bookedMinutes: 120 });
  });

  it('groups by month and lets an admin pick one teacher', async () => {
    const { body } = await get(`/api/v1/reports/utilisation?from=2027-11-01&to=2027-11-14&groupBy=month&teacherId=${school.alice.teacherId}`);
    expect(body.rows).toEqual([
      { teacherId: school.alice.teacherId, teacherName: 'Alice Able', period: '2027-11', availableMinutes: 1020, bookedMinutes: 120, utilisation: 0.118 },
    ]);
  });
});

describe('enrollment funnel', () => {
  it('counts where the forms stand and how long completing took', async () => {
    const { body } = await get('/api/v1/reports/enrollment-funnel?from=2027-10-01&to=2027-11-30');
    const none = { completed: 0, waitlisted: 0, rejected: 0, failed: 0, pending: 0, promotedFromWaitlist: 0 };
    expect(body.rows).toEqual([
      { ...none, month: '2027-10', submitted: 1, pending: 1, medianSecondsToComplete: null, p90SecondsToComplete: null },
      { ...none, month: '2027-11', submitted: 5, completed: 3, waitlisted: 1, rejected: 1, promotedFromWaitlist: 1, medianSecondsToComplete: 3600, p90SecondsToComplete: 138960 },
    ]);
  });
});

describe('make-up credits', () => {
  it('counts open, used and expired credits per teacher, and per student for a teacher', async () => {
    const { body } = await get('/api/v1/reports/makeup-credits?from=2027-10-01&to=2027-11-30');
    expect(body.rows).toEqual([
      { teacherId: school.alice.teacherId, teacherName: 'Alice Able', granted: 2, open: 0, used: 1, expired: 1 },
      { teacherId: school.bob.teacherId, teacherName: 'Bob Baker', granted: 1, open: 1, used: 0, expired: 0 },
    ]);
    const own = await get('/api/v1/reports/makeup-credits?from=2027-10-01&to=2027-11-30&groupBy=student', school.alice.headers);
    expect(own.body.rows).toEqual([{ studentId: school.students.s1, studentName: 'Sam Kid', granted: 2, open: 0, used: 1, expired: 1 }]);
  });
});
