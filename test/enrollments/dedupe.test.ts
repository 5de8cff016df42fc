/**
 * The same submission twice (same parent e-mail, student name and date of birth, however typed) is
 * one enrollment and one student, sequentially and concurrently, through either endpoint; a
 * sibling reuses the family's account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import type { TestStack } from '../helpers/stack.js';
import { createTeacher, enrollmentForm, enrollmentStack } from './helpers.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  s = await enrollmentStack();
  admin = await createUser(s.database.db, 'admin');
  await createTeacher(s.database.db);
});
afterAll(async () => {
  await s?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);
const submitPublic = (form: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/public/enrollments', payload: form });
const submitAdmin = (form: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });

/** The same form as typed by someone else: other case, extra spaces, a differently written phone. */
const retyped = (form: Record<string, unknown>): Record<string, unknown> => ({
  ...form,
  parentEmail: String(form.parentEmail).toUpperCase(),
  studentFirstName: `  ${String(form.studentFirstName).toLowerCase()} `,
  studentLastName: String(form.studentLastName).toUpperCase(),
  parentPhone: '+1 902 555 0142',
});

async function familyOf(email: string) {
  const [row] = await sql<{ enrollments: number; parents: number; students: number; lessons: number }>(
    `SELECT (SELECT count(*)::int FROM enrollments WHERE parent_email = lower($1)) AS enrollments,
            (SELECT count(*)::int FROM users WHERE lower(email) = lower($1)) AS parents,
            (SELECT count(*)::int FROM students s JOIN users u ON u.id = s.parent_id WHERE lower(u.email) = lower($1)) AS students,
            (SELECT count(*)::int FROM lessons l JOIN students s ON s.id = l.student_id JOIN users u ON u.id = s.parent_id WHERE lower(u.email) = lower($1)) AS lessons`,
    [email],
  );
  return row!;
}

describe('the same submission twice', () => {
  it('answers the public form with the first enrollment (200), then the admin form with its outcome', async () => {
    const form = enrollmentForm();
    const first = await submitPublic(form);
    expect(first.statusCode).toBe(202);
    const again = await submitPublic(retyped(form));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    await s.engine.waitFor(first.json().runId, 15_000);
    const viaAdmin = await submitAdmin(form);
    expect(viaAdmin.statusCode).toBe(200);
    expect(viaAdmin.json()).toMatchObject({ enrollmentId: first.json().enrollmentId, runId: first.json().runId, status: 'completed' });
    expect(await familyOf(String(form.parentEmail))).toEqual({ enrollments: 1, parents: 1, students: 1, lessons: 1 });
    const runs = await sql(`SELECT 1 FROM workflow_runs WHERE idempotency_key = $1`, [`enrollment:${first.json().enrollmentId}`]);
    expect(runs).toHaveLength(1);
  });

  it('is one enrollment when submitted five times at once', async () => {
    const form = enrollmentForm();
    const answers = await Promise.all([0, 1, 2, 3, 4].map((i) => (i % 2 === 0 ? submitPublic(form) : submitPublic(retyped(form)))));
    const ids = new Set(answers.map((a) => a.json().enrollmentId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.statusCode === 202)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.json().runId)).size).toBe(1);
    await s.engine.waitFor(answers[0]!.json().runId, 15_000);
    expect(await familyOf(String(form.parentEmail))).toEqual({ enrollments: 1, parents: 1, students: 1, lessons: 1 });
  });

  it('counts another child of the same parent as a new enrollment that reuses the account', async () => {
    const form = enrollmentForm();
    const first = await submitAdmin(form);
    const sibling = await submitAdmin({ ...form, studentFirstName: 'Liam', studentDateOfBirth: '2012-06-01' });
    expect(sibling.statusCode).toBe(200);
    expect(sibling.json()).toMatchObject({ status: 'completed', parentId: first.json().parentId });
    expect(sibling.json().studentId).not.toBe(first.json().studentId);
    expect(await familyOf(String(form.parentEmail))).toEqual({ enrollments: 2, parents: 1, students: 2, lessons: 2 });
    const [created] = await sql<{ created_parent: boolean }>('SELECT created_parent FROM enrollments WHERE id = $1', [sibling.json().enrollmentId]);
    expect(created!.created_parent).toBe(false);
    // one set-password link for the family, from the enrollment that made the account
    const links = await sql(`SELECT 1 FROM outbox WHERE template = 'set_password' AND recipient = lower($1)`, [form.parentEmail]);
    expect(links).toHaveLength(1);
  });

  it('reuses a student the family already has (same name, birth date and instrument)', async () => {
    const form = enrollmentForm();
    const first = await submitAdmin(form);
    // The first enrollment is still alive, so the same form is that enrollment…
    expect((await submitAdmin(form)).json().enrollmentId).toBe(first.json().enrollmentId);
    // …and once it no longer counts (here: the office marked it failed), a new one finds the student.
    await sql(`UPDATE enrollments SET status = 'failed' WHERE id = $1`, [first.json().enrollmentId]);
    const second = await submitAdmin(form);
    expect(second.json()).toMatchObject({ status: 'completed', studentId: first.json().studentId, assignedTeacherId: first.json().assignedTeacherId });
    const [row] = await sql<{ created_student: boolean }>('SELECT created_student FROM enrollments WHERE id = $1', [second.json().enrollmentId]);
    expect(row!.created_student).toBe(false);
    expect(await familyOf(String(form.parentEmail))).toMatchObject({ parents: 1, students: 1 });
  });
});
