/**
 * GET /students/{id}/progress: one timeline of lessons (attendance, shared notes; private notes for
 * staff only), goals, pieces and assessments in time order across a daylight-saving week, bounded
 * by local days; the summary; the reading functions workflows call; row-level security as a parent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlExecutorOf } from '../../src/db/orm-sql.js';
import { asCaller } from '../../src/modules/auth/scoped.js';
import { studentProgressSummary, studentTimeline } from '../../src/modules/progress/index.js';
import { call, fieldsOf } from '../scheduling/helpers.js';
import { createProgressSchool, lessonAt, ZONE, type ProgressSchool } from './fixture.js';

let s: ProgressSchool;
const lessons: Record<string, number> = {};

// Halifax moves from -04:00 to -03:00 on Sunday 2026-03-08 at 02:00.
const WEEK = 'from=2026-03-05&to=2026-03-11';

beforeAll(async () => {
  s = await createProgressSchool();
  const t = s.teacher.teacherId!;
  lessons.before = await lessonAt(s, s.emma, t, '2026-03-04T23:30:00-04:00', { status: 'completed', attendance: 'present' });
  lessons.thursday = await lessonAt(s, s.emma, t, '2026-03-05T16:00:00-04:00', {
    status: 'completed',
    attendance: 'present',
    notes: 'Lovely legato',
    privateNotes: 'Seems tired lately',
  });
  lessons.sunday = await lessonAt(s, s.emma, t, '2026-03-08T03:30:00-03:00', { status: 'completed', attendance: 'absent' });
  lessons.monday = await lessonAt(s, s.emma, t, '2026-03-09T16:00:00-03:00', { status: 'completed', attendance: 'late', notes: 'Scales better' });
  lessons.cancelled = await lessonAt(s, s.emma, t, '2026-03-10T16:00:00-03:00', { status: 'cancelled' });
  lessons.lastMinute = await lessonAt(s, s.emma, t, '2026-03-11T23:30:00-03:00', { status: 'completed', attendance: 'excused' });
  lessons.after = await lessonAt(s, s.emma, t, '2026-03-12T00:10:00-03:00', { status: 'completed', attendance: 'present' });
  lessons.noah = await lessonAt(s, s.noah, s.otherTeacher.teacherId!, '2026-03-09T17:00:00-03:00', { status: 'completed', attendance: 'present', notes: 'Noah note' });

  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await call(s.t, s.teacher, 'POST', `/api/v1/students/${s.emma}/${path}`, body);
    expect(res.status, res.text).toBe(201);
    return res.body.id as number;
  };
  await post('goals', { title: 'Hands together', setOn: '2026-03-06', targetDate: '2026-04-30' });
  await post('goals', { title: 'Sight-read grade 2', setOn: '2026-01-10', status: 'achieved', achievedOn: '2026-03-09' });
  await post('goals', { title: 'Old goal', setOn: '2025-09-01', status: 'dropped' });
  await post('repertoire', { title: 'Minuet in G', composer: 'Petzold', startedOn: '2026-03-08' });
  await post('repertoire', { title: 'Ecossaise', startedOn: '2026-01-05', status: 'performed', performedOn: '2026-03-11', performedWhere: 'Studio class' });
  await post('assessments', { examBody: 'RCM', level: 'Grade 2', assessedOn: '2026-03-10', result: 'honours', mark: 78 });
  await post('assessments', { examBody: 'ABRSM', level: 'Grade 1', assessedOn: '2025-06-10', result: 'pass' });
  const noahGoal = await call(s.t, s.otherTeacher, 'POST', `/api/v1/students/${s.noah}/goals`, { title: 'Noah goal', setOn: '2026-03-06' });
  expect(noahGoal.status).toBe(201);
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const progress = (user: Parameters<typeof call>[1], studentId: number, query = WEEK) => call(s.t, user, 'GET', `/api/v1/students/${studentId}/progress?${query}`);
const brief = (entry: Record<string, unknown>) => [entry.at, entry.kind, entry.title ?? entry.level ?? entry.attendance ?? entry.status];

describe('the timeline', () => {
  it('joins lessons and records in time order across the daylight-saving change, within local days', async () => {
    const res = await progress(s.teacher, s.emma);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ studentId: s.emma, from: '2026-03-05', to: '2026-03-11', timezone: ZONE, page: 1, pageSize: 50, total: 10 });
    expect(res.body.data.map(brief)).toEqual([
      ['2026-03-05T16:00:00-04:00', 'lesson', 'present'],
      ['2026-03-06T00:00:00-04:00', 'goal_set', 'Hands together'],
      ['2026-03-08T00:00:00-04:00', 'piece_started', 'Minuet in G'],
      ['2026-03-08T03:30:00-03:00', 'lesson', 'absent'],
      ['2026-03-09T00:00:00-03:00', 'goal_achieved', 'Sight-read grade 2'],
      ['2026-03-09T16:00:00-03:00', 'lesson', 'late'],
      ['2026-03-10T00:00:00-03:00', 'assessment', 'Grade 2'],
      ['2026-03-10T16:00:00-03:00', 'lesson', 'cancelled'],
      ['2026-03-11T00:00:00-03:00', 'piece_performed', 'Ecossaise'],
      ['2026-03-11T23:30:00-03:00', 'lesson', 'excused'],
    ]);
    const thursday = res.body.data[0];
    expect(thursday).toMatchObject({ lessonId: lessons.thursday, notes: 'Lovely legato', privateNotes: 'Seems tired lately', durationMinutes: 30 });
    expect(res.body.data[8]).toMatchObject({ date: '2026-03-11', performedWhere: 'Studio class', status: 'performed' });
    expect(res.body.data[6]).toMatchObject({ examBody: 'RCM', result: 'honours', mark: 78, date: '2026-03-10' });
    expect(res.text).not.toContain('Noah');
  });

  it('pages through the same order', async () => {
    const whole = (await progress(s.teacher, s.emma)).body.data;
    const pages = [];
    for (const page of [1, 2, 3]) {
      const res = await progress(s.teacher, s.emma, `${WEEK}&pageSize=4&page=${page}`);
      expect(res.body.total).toBe(10);
      pages.push(...res.body.data);
    }
    expect(pages).toEqual(whole);
    const past = await progress(s.teacher, s.emma, `${WEEK}&pageSize=4&page=9`);
    expect(past.body).toMatchObject({ data: [], total: 10, page: 9 });
    const empty = await progress(s.teacher, s.emma, 'from=2024-01-01&to=2024-01-31');
    expect(empty.body).toMatchObject({ data: [], total: 0 });
  });

  it('covers the 90 local days up to today by default', async () => {
    const res = await progress(s.parent, s.emma, '');
    expect(res.status).toBe(200);
    const days = (Date.parse(`${res.body.to}T00:00:00Z`) - Date.parse(`${res.body.from}T00:00:00Z`)) / 86_400_000;
    expect(days).toBe(90);
  });

  it('summarises the period', async () => {
    const res = await progress(s.teacher, s.emma);
    expect(res.body.summary).toEqual({
      lessons: { scheduled: 0, completed: 4, cancelled: 1 },
      attendance: { present: 1, late: 1, absent: 1, excused: 1 },
      attendanceRate: 0.667,
      activeGoals: 1,
      goalsAchieved: 1,
      piecesByStatus: { learning: 1, polishing: 0, performed: 1 },
      latestAssessment: expect.objectContaining({ examBody: 'RCM', level: 'Grade 2', assessedOn: '2026-03-10', result: 'honours', mark: 78 }),
    });
  });

  it('shows a parent their child’s shared notes, never private notes', async () => {
    const res = await progress(s.parent, s.emma);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(10);
    expect(res.body.data[0]).toMatchObject({ kind: 'lesson', notes: 'Lovely legato' });
    expect(res.body.data[0]).not.toHaveProperty('privateNotes');
    expect(res.text).not.toContain('Seems tired');
  });

  it('answers 404 to another family and another teacher, 400 naming a bad range', async () => {
    for (const outsider of [s.otherParent, s.otherTeacher]) {
      const res = await progress(outsider, s.emma);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('Lovely');
    }
    expect(fieldsOf((await progress(s.admin, s.emma, 'from=2026-03-11&to=2026-03-05')).body)).toEqual(['querystring.to']);
    expect(fieldsOf((await progress(s.admin, s.emma, 'from=2020-01-01&to=2026-03-05')).body)).toEqual(['querystring.to']);
    expect(fieldsOf((await progress(s.admin, s.emma, 'from=2026-13-01')).body)).toEqual(['querystring.from']);
  });
});

describe('row-level security', () => {
  it('a parent’s own queries see only their child’s progress rows', async () => {
    const db = s.t.database.db;
    const seen = await asCaller(db, { userId: s.parent.id, role: 'parent' }, async (orm) => {
      return sqlExecutorOf(orm).query<{ student_id: number }>('SELECT DISTINCT student_id FROM student_goals UNION SELECT DISTINCT student_id FROM student_pieces');
    });
    expect(seen.map((r) => r.student_id)).toEqual([s.emma]);
    const total = await s.sql<{ n: number }>('SELECT count(DISTINCT student_id)::int AS n FROM student_goals');
    expect(total[0]!.n).toBe(2);
    // A parent cannot write even by plain SQL under their claims.
    await expect(
      asCaller(db, { userId: s.parent.id, role: 'parent' }, async (orm) => {
        await sqlExecutorOf(orm).query(`INSERT INTO student_goals (student_id, title, set_on) VALUES ($1, 'Sneaky', '2026-03-01')`, [s.emma]);
      }),
    ).rejects.toThrow();
  });
});

describe('reading functions for workflows', () => {
  it('read everything as the owner: every lesson, and private notes only for staff', async () => {
    const sql = s.t.database.db.sql;
    const period = { from: '2026-03-05', to: '2026-03-11', zone: ZONE };
    const family = await studentTimeline(sql, s.emma, period, { audience: 'family', limit: 100, offset: 0 });
    expect(family.total).toBe(10);
    expect(family.entries.find((e) => e.kind === 'lesson' && 'privateNotes' in e)).toBeUndefined();
    const staff = await studentTimeline(sql, s.emma, period, { audience: 'staff', limit: 100, offset: 0 });
    expect(staff.entries[0]).toMatchObject({ privateNotes: 'Seems tired lately' });
    const summary = await studentProgressSummary(sql, s.emma, { from: '2026-03-01', to: '2026-03-31', zone: ZONE });
    expect(summary.lessons.completed).toBe(6);
    expect(summary.attendanceRate).toBe(0.8);
  });
});
