import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/auth/access.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { call, fieldsOf, insertLesson, insertStudent, nextMonday, setHours, zone, type TestUser } from './helpers.js';

const URL = '/api/v1/lessons/schedule';
let s: TestStack;
let admin: TestUser, teacher: TestUser, otherTeacher: TestUser, parent: TestUser, otherParent: TestUser;
let childId: number, otherChildId: number;

beforeAll(async () => {
  s = await createTestStack();
  const db = s.database.db;
  [admin, teacher, otherTeacher, parent, otherParent] = (await Promise.all(
    (['admin', 'teacher', 'teacher', 'parent', 'parent'] as Role[]).map((role) => createUser(db, role)),
  )) as [TestUser, TestUser, TestUser, TestUser, TestUser];
  await setHours(
    db,
    teacher.teacherId!,
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  );
  childId = await insertStudent(db, parent.id, teacher.teacherId);
  otherChildId = await insertStudent(db, otherParent.id, teacher.teacherId, { name: 'Noah' });
});
afterAll(async () => {
  await s?.close();
});

const sql = <T>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);
const count = async (table: 'lessons' | 'audit_log' | 'workflow_runs', where = 'true', params: unknown[] = []) =>
  (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0]!.n;
const body = (scheduledAt: string, extra: Record<string, unknown> = {}) => ({ studentId: childId, teacherId: teacher.teacherId, scheduledAt, ...extra });
/**
 * POST, settled: under load a run may outlast the route's 2 s wait (202, or 201 with the
 * confirmation pending); then wait for the run and read its outcome from the poll route, which
 * answers as POST does (200 for 201). The 202 path itself is tested on its own below.
 */
async function post(user: TestUser, payload: unknown) {
  const res = await call(s, user, 'POST', URL, payload);
  if (res.status !== 202 && res.body?.confirmation?.status !== 'pending') return res;
  await s.engine.waitFor(res.body.runId, 20_000);
  const settled = await call(s, user, 'GET', `${URL}/runs/${res.body.runId}`);
  return { ...settled, status: settled.status === 200 ? 201 : settled.status };
}
const runView = async (runId: string) => (await call(s, admin, 'GET', `/api/v1/workflows/runs/${runId}`)).body;
const pathOf = (view: { nodes: { nodeId: string; status: string }[] }) => view.nodes.filter((n) => n.status === 'succeeded').map((n) => n.nodeId);
const notificationKeys = async (runId: string) =>
  (
    await sql<{ key: string }>(`SELECT idempotency_key AS key FROM workflow_runs WHERE workflow_name = 'notification' AND idempotency_key LIKE $1 ORDER BY 1`, [
      `notify:${runId}:%`,
    ])
  ).map((r) => r.key);

/** The first instant at least `minDays` ahead at which Halifax changes its UTC offset (a day-level search). */
function nextDstChange(minDays: number): DateTime {
  let day = DateTime.now().setZone(zone).plus({ days: minDays }).set({ hour: 12 });
  const offset = day.offset;
  while (day.offset === offset) day = day.plus({ days: 1 });
  return day;
}

describe('POST /api/v1/lessons/schedule (lesson_schedule workflow)', () => {
  it('books one lesson: 201, the lesson row, its audit row and the confirmations for parent and teacher', async () => {
    const at = nextMonday(3, '10:00');
    const res = await post(admin, body(at, { notes: 'First lesson' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ studentId: childId, teacherId: teacher.teacherId, durationMinutes: 30, status: 'scheduled', notes: 'First lesson', seriesId: null });
    expect(res.body.scheduledAt).toMatch(/T10:00:00-0[34]:00$/);
    expect(res.headers.location).toBe(`/api/v1/lessons/${res.body.id}`);
    const runId: string = res.body.runId;
    expect(res.headers['x-workflow-run-id']).toBe(runId);
    expect(res.body.confirmation).toEqual({ status: 'sent', message: expect.stringContaining('is booked for') });

    expect(await count('lessons', 'id = $1 AND student_id = $2', [res.body.id, childId])).toBe(1);
    const [audit] = await sql<{ actor_id: number; request_id: string }>(`SELECT actor_id, request_id FROM audit_log WHERE entity = 'lesson' AND entity_id = $1`, [
      String(res.body.id),
    ]);
    expect(audit).toEqual({ actor_id: admin.id, request_id: `${runId}:book` });
    expect(await notificationKeys(runId)).toEqual([`notify:${runId}:confirm:parent`, `notify:${runId}:confirm:teacher`]);
  });

  it('shows the run with its path and the router decision; the parent polls it, another parent cannot', async () => {
    const res = await post(parent, body(nextMonday(3, '11:00')));
    expect(res.status).toBe(201);
    const view = await runView(res.body.runId);
    expect(view).toMatchObject({ workflow: 'lesson_schedule', status: 'succeeded' });
    expect(pathOf(view)).toEqual(['check_availability', 'detect_conflicts', 'router', 'book', 'confirm']);
    expect(view.nodes.find((n: { nodeId: string }) => n.nodeId === 'router').next).toBe('book');

    const poll = await call(s, parent, 'GET', `${URL}/runs/${res.body.runId}`);
    expect(poll.status).toBe(200);
    expect(poll.body).toMatchObject({ id: res.body.id, runId: res.body.runId });
    expect((await call(s, otherParent, 'GET', `${URL}/runs/${res.body.runId}`)).status).toBe(404);
    expect((await call(s, teacher, 'GET', `${URL}/runs/${res.body.runId}`)).status).toBe(403);
  });

  it("answers a conflict with 409 and alternatives, writes nothing, and hides other families' lesson ids from a parent", async () => {
    const at = nextMonday(3, '14:00');
    const blocker = await insertLesson(s.database.db, { studentId: otherChildId, teacherId: teacher.teacherId!, at });
    const [lessonsBefore, auditBefore] = [await count('lessons'), await count('audit_log')];

    const res = await post(admin, body(at));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.details.conflicts).toEqual([expect.objectContaining({ kind: 'teacher_overlap', lessonId: blocker })]);
    const alternatives = res.body.error.details.alternatives;
    expect(alternatives).toHaveLength(5);
    expect(alternatives[0]).toEqual({ teacherId: teacher.teacherId, startsAt: expect.stringMatching(/T14:30:00-0[34]:00$/), endsAt: expect.stringMatching(/T15:00:00-0[34]:00$/) });
    const view = await runView(res.body.error.details.runId);
    expect(pathOf(view)).toEqual(['check_availability', 'detect_conflicts', 'router', 'suggest_alternatives']);
    expect(view.nodes.find((n: { nodeId: string }) => n.nodeId === 'router').next).toBe('suggest_alternatives');

    const asParent = await post(parent, body(at));
    expect(asParent.status).toBe(409);
    expect(asParent.body.error.details.conflicts).toEqual([{ kind: 'teacher_overlap', reason: expect.any(String) }]);
    expect([await count('lessons'), await count('audit_log')]).toEqual([lessonsBefore, auditBefore]);
  });

  it('books a weekly series at 16:00 local across a closure (skipped) and a daylight-saving change', async () => {
    const change = nextDstChange(10);
    const first = DateTime.fromISO(nextMonday(3, '16:00'), { zone });
    const closed = first.plus({ weeks: 1 }).toISODate()!;
    await sql(`INSERT INTO closures (name, starts_on, ends_on) VALUES ('Break', $1, $1)`, [closed]);
    const lessonCount = Math.ceil(change.diff(first, 'weeks').weeks) + 2;
    const res = await post(parent, body(first.toISO()!, { recurrence: { frequency: 'weekly', count: lessonCount } }));
    expect(res.status).toBe(201);
    const lessons = res.body.lessons as { scheduledAt: string; seriesId: string }[];
    expect(lessons).toHaveLength(lessonCount);
    expect(res.body.skipped).toEqual([{ date: closed, closure: 'Break' }]);
    const local = lessons.map((l) => DateTime.fromISO(l.scheduledAt, { zone }));
    expect(local.every((d) => d.weekday === 1 && d.hour === 16 && d.minute === 0)).toBe(true);
    expect(local.map((d) => d.toISODate())).not.toContain(closed);
    expect(local[0]!.toISODate()).toBe(first.toISODate());
    expect(new Set(lessons.map((l) => new Date(l.scheduledAt).getUTCHours()))).toEqual(new Set([19, 20]));
    expect(await count('lessons', 'series_id = $1', [res.body.seriesId])).toBe(lessonCount);
    expect(await count('audit_log', `request_id = $1 AND actor_id = $2`, [`${res.body.runId}:book`, parent.id])).toBe(lessonCount);
    expect(res.body.confirmation.message).toContain(`${closed} (Break)`);
  });

  it('answers a conflicting series with 409 and alternatives from which the whole series is free', async () => {
    const first = DateTime.fromISO(nextMonday(3, '18:00'), { zone });
    await insertLesson(s.database.db, { studentId: otherChildId, teacherId: teacher.teacherId!, at: first.plus({ weeks: 2 }).toISO()! });
    const series = { recurrence: { frequency: 'weekly', count: 3 } };
    const before = await count('lessons');
    const res = await post(admin, body(first.toISO()!, series));
    expect(res.status).toBe(409);
    expect(res.body.error.details.conflicts).toEqual([{ occurrence: expect.stringMatching(/T18:00:00/), reasons: [expect.objectContaining({ kind: 'teacher_overlap' })] }]);
    const alternatives = res.body.error.details.alternatives as { startsAt: string }[];
    expect(alternatives.length).toBeGreaterThan(0);
    expect(await count('lessons')).toBe(before);
    const retry = await post(admin, body(alternatives[0]!.startsAt, series));
    expect(retry.status).toBe(201);
    expect(retry.body.lessons).toHaveLength(3);
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const [lessonsBefore, runsBefore] = [await count('lessons'), await count('workflow_runs')];
    const short = await post(admin, body(nextMonday(3, '12:00'), { durationMinutes: 10 }));
    expect(short.status).toBe(400);
    expect(fieldsOf(short.body)).toEqual(['body.durationMinutes']);
    const noCount = await post(admin, body(nextMonday(3, '12:00'), { recurrence: { frequency: 'weekly' } }));
    expect(noCount.status).toBe(400);
    expect(await count('workflow_runs')).toBe(runsBefore); // refused before any run started

    const past = await post(admin, body(DateTime.now().minus({ days: 1 }).toISO()!));
    expect(past.status).toBe(400);
    expect(fieldsOf(past.body)).toEqual(['body.scheduledAt']);
    const view = await runView(past.headers['x-workflow-run-id'] as string);
    expect(view).toMatchObject({ status: 'stopped', stopReason: expect.stringContaining('past') });
    expect(pathOf(view)).toEqual(['check_availability']);
    expect(await count('lessons')).toBe(lessonsBefore);
  });

  it("refuses another family's child (404, no run), teachers (403) and a parent choosing another teacher (403)", async () => {
    const runsBefore = await count('workflow_runs');
    const foreign = await post(parent, { ...body(nextMonday(3, '13:00')), studentId: otherChildId });
    expect(foreign.status).toBe(404);
    expect(await count('workflow_runs')).toBe(runsBefore);
    expect((await post(teacher, body(nextMonday(3, '13:00')))).status).toBe(403);
    const otherTeacherRes = await post(parent, body(nextMonday(3, '13:00'), { teacherId: otherTeacher.teacherId }));
    expect(otherTeacherRes.status).toBe(403);
    expect(await count('lessons', 'student_id = $1 AND teacher_id = $2', [childId, otherTeacher.teacherId])).toBe(0);
  });

  it('leaves GET /lessons/schedule/view alone', async () => {
    const res = await call(s, admin, 'GET', `/api/v1/lessons/schedule/view?view=week&teacherId=${teacher.teacherId}`);
    expect(res.status).toBe(200);
    expect(res.body.view).toBe('week');
  });
});

describe('POST /api/v1/lessons/schedule without a free worker', () => {
  let idle: TestStack;
  beforeAll(async () => {
    idle = await createTestStack({ startWorker: false });
  });
  afterAll(async () => {
    await idle?.close();
  });

  it('answers 202 after about 2 s with a poll URL the parent may read, which answers once the run is done', async () => {
    const db = idle.database.db;
    const [t, p] = await Promise.all([createUser(db, 'teacher'), createUser(db, 'parent')]);
    await setHours(db, t.teacherId!, [{ weekday: 1, start: '09:00', end: '17:00' }]);
    const student = await insertStudent(db, p.id, t.teacherId);
    const res = await call(idle, p, 'POST', URL, { studentId: student, teacherId: t.teacherId, scheduledAt: nextMonday(3, '09:30') });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ runId: expect.any(String), status: 'queued', statusUrl: `${URL}/runs/${res.body.runId}` });
    expect((await call(idle, p, 'GET', res.body.statusUrl)).status).toBe(202);

    await idle.engine.startWorker({ concurrency: 2 });
    await idle.engine.waitFor(res.body.runId, 10_000);
    const done = await call(idle, p, 'GET', res.body.statusUrl);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ studentId: student, runId: res.body.runId, scheduledAt: expect.stringMatching(/T09:30:00-0[34]:00$/) });
  });
});
