/**
 * Goals, repertoire and assessments: CRUD per kind by the student's teacher and the office, audit
 * rows, who may read and write (a parent reads own, another teacher or family gets 404, a parent
 * writing gets 403), and bad input answered 400 naming the field with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, fieldsOf, type TestUser } from '../scheduling/helpers.js';
import { createProgressSchool, lessonAt, type ProgressSchool } from './fixture.js';

let s: ProgressSchool;

beforeAll(async () => {
  s = await createProgressSchool();
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const url = (studentId: number, path: string) => `/api/v1/students/${studentId}/${path}`;
const count = async (table: string): Promise<number> => (await s.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
const audits = async (entity: string, id: number) =>
  s.sql<{ action: string; actor_id: number }>(`SELECT action, actor_id FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id`, [entity, String(id)]);

interface KindCase {
  path: string;
  table: string;
  entity: string;
  create: Record<string, unknown>;
  patch: Record<string, unknown>;
  expectAfterPatch: Record<string, unknown>;
}

const cases: KindCase[] = [
  {
    path: 'goals',
    table: 'student_goals',
    entity: 'student_goal',
    create: { title: 'Play Für Elise hands together', description: 'At 80 bpm', setOn: '2026-09-07', targetDate: '2026-12-20' },
    patch: { status: 'achieved', achievedOn: '2026-11-30' },
    expectAfterPatch: { status: 'achieved', achievedOn: '2026-11-30', targetDate: '2026-12-20', title: 'Play Für Elise hands together' },
  },
  {
    path: 'repertoire',
    table: 'student_pieces',
    entity: 'student_piece',
    create: { title: 'Sonatina in C', composer: 'Clementi', startedOn: '2026-09-14' },
    patch: { status: 'performed', performedOn: '2026-11-22', performedWhere: 'Fall recital' },
    expectAfterPatch: { status: 'performed', performedOn: '2026-11-22', performedWhere: 'Fall recital', composer: 'Clementi' },
  },
  {
    path: 'assessments',
    table: 'student_assessments',
    entity: 'student_assessment',
    create: { examBody: 'RCM', level: 'Grade 4', assessedOn: '2026-06-12' },
    patch: { result: 'first_class_honours', mark: 87 },
    expectAfterPatch: { examBody: 'RCM', level: 'Grade 4', assessedOn: '2026-06-12', result: 'first_class_honours', mark: 87 },
  },
];

describe.each(cases)('/students/{id}/$path', (c) => {
  it('the teacher creates, lists, changes and deletes; each write is audited', async () => {
    const created = await call(s.t, s.teacher, 'POST', url(s.emma, c.path), c.create);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ studentId: s.emma, ...c.create });
    const id = created.body.id as number;

    const listed = await call(s.t, s.teacher, 'GET', url(s.emma, c.path));
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ page: 1, pageSize: 50, total: 1 });
    expect(listed.body.data.map((r: { id: number }) => r.id)).toEqual([id]);

    const patched = await call(s.t, s.admin, 'PATCH', `${url(s.emma, c.path)}/${id}`, c.patch);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject(c.expectAfterPatch);

    // The parent reads their child's records and may not write them.
    const read = await call(s.t, s.parent, 'GET', url(s.emma, c.path));
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual([patched.body]);
    expect((await call(s.t, s.parent, 'POST', url(s.emma, c.path), c.create)).status).toBe(403);
    expect((await call(s.t, s.parent, 'PATCH', `${url(s.emma, c.path)}/${id}`, c.patch)).status).toBe(403);
    expect((await call(s.t, s.parent, 'DELETE', `${url(s.emma, c.path)}/${id}`)).status).toBe(403);

    // Another teacher and another family do not see the student at all.
    for (const outsider of [s.otherTeacher, s.otherParent]) {
      const res = await call(s.t, outsider, 'GET', url(s.emma, c.path));
      expect(res.status).toBe(404);
      expect(res.text).not.toContain(String(c.create[Object.keys(c.create)[0]!]));
    }
    expect((await call(s.t, s.otherTeacher, 'POST', url(s.emma, c.path), c.create)).status).toBe(404);
    expect((await call(s.t, s.otherTeacher, 'PATCH', `${url(s.emma, c.path)}/${id}`, c.patch)).status).toBe(404);
    expect((await call(s.t, s.otherTeacher, 'DELETE', `${url(s.emma, c.path)}/${id}`)).status).toBe(404);
    // The record under another student's path is not found either.
    expect((await call(s.t, s.admin, 'PATCH', `${url(s.noah, c.path)}/${id}`, c.patch)).status).toBe(404);

    const deleted = await call(s.t, s.teacher, 'DELETE', `${url(s.emma, c.path)}/${id}`);
    expect(deleted.status).toBe(204);
    expect((await call(s.t, s.teacher, 'DELETE', `${url(s.emma, c.path)}/${id}`)).status).toBe(404);
    expect(await count(c.table)).toBe(0);
    expect((await audits(c.entity, id)).map((a) => [a.action, a.actor_id])).toEqual([
      ['create', s.teacher.id],
      ['update', s.admin.id],
      ['delete', s.teacher.id],
    ]);
  });

  it('answers 404 for a student that does not exist', async () => {
    expect((await call(s.t, s.admin, 'GET', url(999_999, c.path))).status).toBe(404);
    expect((await call(s.t, s.admin, 'POST', url(999_999, c.path), c.create)).status).toBe(404);
  });
});

describe('who teaches a student', () => {
  it('a substitute covering one of the student’s lessons writes their progress; a cancelled lesson gives no access', async () => {
    const sub: TestUser = s.otherTeacher;
    const lesson = await lessonAt(s, s.emma, s.teacher.teacherId!, '2026-10-05T16:00:00-03:00', { status: 'cancelled', substituteTeacherId: sub.teacherId! });
    expect((await call(s.t, sub, 'POST', url(s.emma, 'goals'), { title: 'Scales' })).status).toBe(404);
    await s.sql(`UPDATE lessons SET status = 'completed', attendance = 'present' WHERE id = $1`, [lesson]);
    const created = await call(s.t, sub, 'POST', url(s.emma, 'goals'), { title: 'Scales' });
    expect(created.status).toBe(201);
    await s.sql('DELETE FROM lessons WHERE id = $1', [lesson]);
    expect((await call(s.t, sub, 'GET', url(s.emma, 'goals'))).status).toBe(404);
    await s.sql('DELETE FROM student_goals');
  });
});

describe('defaults and rules between fields', () => {
  it('an achieved goal gets today when no day is given; leaving achieved clears it', async () => {
    const created = await call(s.t, s.teacher, 'POST', url(s.emma, 'goals'), { title: 'Memorise the minuet', status: 'achieved' });
    expect(created.status).toBe(201);
    expect(created.body.setOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(created.body.achievedOn).toBe(created.body.setOn);
    const reopened = await call(s.t, s.teacher, 'PATCH', `${url(s.emma, 'goals')}/${created.body.id}`, { status: 'active' });
    expect(reopened.body).toMatchObject({ status: 'active', achievedOn: null });
    await s.sql('DELETE FROM student_goals');
  });
});

describe('bad input', () => {
  const refused = async (user: TestUser, method: 'POST' | 'PATCH', path: string, body: unknown, fields: string[]) => {
    const before = [await count('student_goals'), await count('student_pieces'), await count('student_assessments')];
    const res = await call(s.t, user, method, path, body);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(fieldsOf(res.body)).toEqual(fields);
    expect([await count('student_goals'), await count('student_pieces'), await count('student_assessments')]).toEqual(before);
  };

  it('names the field and writes nothing', async () => {
    const goals = url(s.emma, 'goals');
    await refused(s.teacher, 'POST', goals, { title: '   ' }, ['body.title']);
    await refused(s.teacher, 'POST', goals, { title: 'Scales', status: 'finished' }, ['body.status']);
    await refused(s.teacher, 'POST', goals, { title: 'Scales', targetDate: '2101-01-01' }, ['body.targetDate']);
    await refused(s.teacher, 'POST', goals, { title: 'Scales', targetDate: '2026-02-30' }, ['body.targetDate']);
    await refused(s.teacher, 'POST', goals, { title: 'Scales', setOn: '2026-09-01', targetDate: '2026-08-31' }, ['body.targetDate']);
    await refused(s.teacher, 'POST', goals, { title: 'Scales', achievedOn: '2026-09-01' }, ['body.achievedOn']);
    await refused(s.teacher, 'POST', goals, { title: 'Scales', status: 'achieved', achievedOn: '2099-01-01' }, ['body.achievedOn']);

    const pieces = url(s.emma, 'repertoire');
    await refused(s.teacher, 'POST', pieces, { title: '' }, ['body.title']);
    await refused(s.teacher, 'POST', pieces, { title: 'Gigue', status: 'memorised' }, ['body.status']);
    await refused(s.teacher, 'POST', pieces, { title: 'Gigue', startedOn: '2026-10-01', status: 'performed', performedOn: '2026-09-01' }, ['body.performedOn']);

    const exams = url(s.emma, 'assessments');
    await refused(s.teacher, 'POST', exams, { examBody: 'Juilliard', level: 'Grade 4', assessedOn: '2026-06-12' }, ['body.examBody']);
    await refused(s.teacher, 'POST', exams, { examBody: 'ABRSM', level: 'Grade 4', assessedOn: '2026-06-12', result: 'excellent' }, ['body.result']);
    await refused(s.teacher, 'POST', exams, { examBody: 'ABRSM', level: 'Grade 4', assessedOn: '2026-06-12', mark: 151 }, ['body.mark']);
    await refused(s.teacher, 'POST', exams, { examBody: 'ABRSM', level: 'Grade 4' }, ['body.assessedOn']);
    await refused(s.teacher, 'POST', exams, { examBody: 'ABRSM', level: 'Grade 5', assessedOn: '2099-06-12', result: 'pass' }, ['body.result']);

    const goal = await call(s.t, s.teacher, 'POST', goals, { title: 'Scales', setOn: '2026-09-01' });
    expect(goal.status).toBe(201);
    const goalUrl = `${goals}/${goal.body.id}`;
    await refused(s.teacher, 'PATCH', goalUrl, {}, ['body']);
    await refused(s.teacher, 'PATCH', goalUrl, { status: 'done' }, ['body.status']);
    await refused(s.teacher, 'PATCH', goalUrl, { targetDate: '2026-08-01' }, ['body.targetDate']);
    await refused(s.teacher, 'PATCH', `${goals}/abc`, { title: 'x' }, ['params.goalId']);
    const exam = await call(s.t, s.teacher, 'POST', exams, { examBody: 'ABRSM', level: 'Grade 5', assessedOn: '2026-06-12', result: 'merit' });
    expect(exam.status).toBe(201);
    await refused(s.teacher, 'PATCH', `${exams}/${exam.body.id}`, { assessedOn: '2099-06-12' }, ['body.assessedOn']);
    await refused(s.teacher, 'PATCH', `${exams}/${exam.body.id}`, { mark: -1 }, ['body.mark']);
    await s.sql('DELETE FROM student_assessments');
    const unchanged = await call(s.t, s.teacher, 'GET', goals);
    expect(unchanged.body.data[0]).toMatchObject({ title: 'Scales', targetDate: null, status: 'active' });
    await s.sql('DELETE FROM student_goals');
  });
});
