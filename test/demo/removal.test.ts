/**
 * Removing the demo school through DELETE /api/v1/admin/demo: exactly the rows the seed recorded
 * (and what follows them: mail, notifications, conversations of demo people) go, a real family
 * added beside the demo stays intact, a real record pointing at a demo record blocks the removal
 * (409 listing it, nothing removed), a second removal removes nothing, and the seed's marker keeps
 * the demo from coming back. Also: the manifest a pre-0022 database rebuilds from the seed's
 * transaction time is the one the seed records.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '../../src/db/migrate.js';
import { demoTables } from '../../src/modules/demo/manifest.js';
import { DEMO_PASSWORD, seedDatabase } from '../../src/seed/index.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { userWith, WAIT_MS } from '../notifications/helpers.js';

type User = Awaited<ReturnType<typeof userWith>>;
type Res = { statusCode: number; body: string; json(): any };

const seed = { adminEmail: 'owner@school.example', adminPassword: 'owner-password-123', timezone: 'America/Halifax', demo: true };

describe('removing the demo school', () => {
  let stack: TestStack;
  let admin: User;
  let parent: { headers: { authorization: string } };
  const real = { parentId: 0, teacherId: 0, teacherUserId: 0, studentId: 0, conversationId: 0 };
  let manifest: Record<string, number[]>;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user?: { headers: { authorization: string } }, payload?: object): Promise<Res> =>
    stack.app.inject({ method, url, ...(user ? { headers: user.headers } : {}), ...(payload ? { payload } : {}) });
  const sql = () => stack.database.db.sql;
  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const table of [...demoTables, 'conversations', 'conversation_messages', 'notifications', 'outbox', 'demo_records']) {
      const [row] = await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      out[table] = row?.n ?? -1;
    }
    return out;
  };
  const readManifest = async (): Promise<Record<string, number[]>> => {
    const rows = await sql().query<{ table_name: string; ids: number[] }>(
      'SELECT table_name, array_agg(record_id ORDER BY record_id) AS ids FROM demo_records GROUP BY table_name ORDER BY table_name',
    );
    return Object.fromEntries(rows.map((r) => [r.table_name, r.ids]));
  };
  const login = async (email: string, password: string): Promise<{ headers: { authorization: string } }> => {
    const res = await call('POST', '/api/v1/auth/login', undefined, { email, password });
    expect(res.statusCode, res.body).toBe(200);
    return { headers: { authorization: `Bearer ${res.json().accessToken}` } };
  };

  beforeAll(async () => {
    stack = await createTestStack();
    expect((await seedDatabase(stack.database.db, seed)).demoSeeded).toBe(true);
    manifest = await readManifest();
    admin = await userWith(stack, 'admin', { firstName: 'Ada' });

    // A real family, beside the demo: a teacher, a parent, a child, and a conversation with the school.
    const teacher = await call('POST', '/api/v1/users', admin, {
      email: 'real.teacher@school.example',
      firstName: 'Rita',
      lastName: 'Real',
      role: 'teacher',
      password: 'teacher-password-1',
      instruments: ['piano'],
      hourlyRateCents: 6000,
    });
    expect(teacher.statusCode, teacher.body).toBe(201);
    real.teacherUserId = teacher.json().id;
    real.teacherId = teacher.json().teacherId;
    const parentRes = await call('POST', '/api/v1/users', admin, {
      email: 'real.parent@school.example',
      firstName: 'Paul',
      lastName: 'Real',
      role: 'parent',
      password: 'parent-password-1',
    });
    expect(parentRes.statusCode, parentRes.body).toBe(201);
    real.parentId = parentRes.json().id;
    parent = await login('real.parent@school.example', 'parent-password-1');
    const child = await call('POST', '/api/v1/students', admin, {
      parentId: real.parentId,
      teacherId: real.teacherId,
      firstName: 'Rosa',
      lastName: 'Real',
      dateOfBirth: '2014-05-06',
      instrument: 'piano',
      lessonRateCents: 5000,
    });
    expect(child.statusCode, child.body).toBe(201);
    real.studentId = child.json().id;
    const talk = await call('POST', '/api/v1/messages', parent, { to: 'school', subject: 'Start date', body: 'When do lessons start?', studentId: real.studentId });
    expect(talk.statusCode, talk.body).toBe(201);
    real.conversationId = talk.json().conversation.id;

    // Demo people in use: a demo parent writes to the school, the admin answers (mail, in-app).
    const [demoParent] = await sql().query<{ email: string }>(`SELECT email FROM users WHERE id = ANY($1::int[]) AND role = 'parent' ORDER BY id LIMIT 1`, [manifest.users]);
    expect(demoParent).toBeDefined();
    const demo = await login(demoParent!.email, DEMO_PASSWORD);
    const demoTalk = await call('POST', '/api/v1/messages', demo, { to: 'school', subject: 'Demo question', body: 'Is this the demo?' });
    expect(demoTalk.statusCode, demoTalk.body).toBe(201);
    const answer = await call('POST', `/api/v1/messages/${demoTalk.json().conversation.id}/replies`, admin, { body: 'Yes.' });
    for (const runId of [...demoTalk.json().notificationRunIds, ...answer.json().notificationRunIds]) {
      expect((await stack.engine.waitFor(runId, WAIT_MS)).status).toBe('succeeded');
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('the seed recorded every demo row it made, and only those', async () => {
    expect(Object.keys(manifest).sort()).toEqual([...demoTables].sort());
    const [owner] = await sql().query<{ id: number }>('SELECT id FROM users WHERE email = $1', [seed.adminEmail]);
    expect(manifest.users).not.toContain(owner?.id);
    const [demoCounts] = await sql().query<{ teachers: number; students: number; lessons: number }>(
      `SELECT (SELECT count(*)::int FROM teachers WHERE id = ANY($1::int[])) AS teachers, (SELECT count(*)::int FROM students WHERE id = ANY($2::int[])) AS students,
              (SELECT count(*)::int FROM lessons WHERE id = ANY($3::int[])) AS lessons`,
      [manifest.teachers, manifest.students, manifest.lessons],
    );
    expect(demoCounts).toEqual({ teachers: manifest.teachers?.length, students: manifest.students?.length, lessons: manifest.lessons?.length });
  });

  it('a pre-0022 database rebuilds the same manifest from the seed transaction’s time', async () => {
    const script = await readFile(path.join(migrationsDir, '0022_conversations_demo_records.sql'), 'utf8');
    const backfill = script.slice(script.indexOf('DO $$\nDECLARE\n  seeded_at'));
    expect(backfill).toMatch(/^DO \$\$/);
    await sql().transaction(async (tx) => {
      await tx.query('DELETE FROM demo_records');
      await tx.exec(backfill);
    });
    expect(await readManifest()).toEqual(manifest);
  });

  it('refuses (409, listing them) while a real record points at a demo record, and removes nothing', async () => {
    const demoTeacher = manifest.teachers![0]!;
    expect((await call('PATCH', `/api/v1/students/${real.studentId}`, admin, { teacherId: demoTeacher })).statusCode).toBe(200);
    const before = await counts();
    const res = await call('DELETE', '/api/v1/admin/demo', admin);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'conflict',
      details: { blockers: [{ table: 'students', id: real.studentId, column: 'teacher_id', references: { table: 'teachers', id: demoTeacher } }] },
    });
    expect(await counts()).toEqual(before);
    expect((await call('PATCH', `/api/v1/students/${real.studentId}`, admin, { teacherId: real.teacherId })).statusCode).toBe(200);
  });

  it('refuses other roles and anonymous callers', async () => {
    const before = await counts();
    expect((await call('DELETE', '/api/v1/admin/demo', parent)).statusCode).toBe(403);
    expect((await call('DELETE', '/api/v1/admin/demo')).statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('removes exactly the demo rows and their followers; the real family is intact', async () => {
    const before = await counts();
    const res = await call('DELETE', '/api/v1/admin/demo', admin);
    expect(res.statusCode, res.body).toBe(200);
    const { removed } = res.json();
    for (const table of ['lessons', 'students', 'teachers', 'academic_years', 'semesters', 'closures']) expect(removed[table]).toBe(manifest[table]?.length);
    expect(removed.users).toBe(manifest.users?.length);
    expect(removed.conversations).toBe(1);
    expect(removed.notifications).toBeGreaterThanOrEqual(1);
    expect(removed.outbox).toBeGreaterThanOrEqual(1);

    const after = await counts();
    for (const table of ['lessons', 'students', 'teachers', 'users', 'academic_years', 'semesters', 'closures']) {
      expect(after[table], table).toBe((before[table] ?? 0) - (manifest[table]?.length ?? 0));
    }
    expect(after.demo_records).toBe(0);
    expect(after.conversations).toBe((before.conversations ?? 0) - 1);
    for (const [table, ids] of Object.entries(manifest)) {
      const [left] = await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1::int[])`, [ids]);
      expect(left?.n, table).toBe(0);
    }
    const [orphans] = await sql().query<{ n: number }>(
      `SELECT (SELECT count(*) FROM notifications WHERE user_id = ANY($1::int[])) + (SELECT count(*) FROM outbox WHERE user_id = ANY($1::int[]))
            + (SELECT count(*) FROM teacher_availability WHERE teacher_id = ANY($2::int[])) + (SELECT count(*) FROM consents WHERE user_id = ANY($1::int[])) AS n`,
      [manifest.users, manifest.teachers],
    );
    expect(Number(orphans?.n)).toBe(0);

    expect((await call('GET', `/api/v1/students/${real.studentId}`, admin)).json()).toMatchObject({ firstName: 'Rosa', parentId: real.parentId, teacherId: real.teacherId });
    expect((await call('GET', `/api/v1/users/${real.teacherUserId}`, admin)).json()).toMatchObject({ firstName: 'Rita', teacherId: real.teacherId });
    expect((await call('GET', `/api/v1/messages/${real.conversationId}`, parent)).json()).toMatchObject({ subject: 'Start date', studentName: 'Rosa Real' });
    const [owner] = await sql().query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE email = $1', [seed.adminEmail]);
    expect(owner?.n).toBe(1);
    const [audit] = await sql().query<{ actor_id: number }>(`SELECT actor_id FROM audit_log WHERE entity = 'demo' AND action = 'delete'`);
    expect(audit?.actor_id).toBe(admin.id);
  });

  it('is idempotent, and the demo does not come back when the school starts again', async () => {
    const before = await counts();
    const again = await call('DELETE', '/api/v1/admin/demo', admin);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ removed: {} });
    expect((await seedDatabase(stack.database.db, seed)).demoSeeded).toBe(false);
    expect(await counts()).toEqual(before);
  });
});
