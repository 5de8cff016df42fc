/**
 * A hand-built school for the payroll tests, where the right pay is known. America/Halifax; the
 * weeks of 2025-10-27 to 2025-11-09 hold the end of daylight time (Sunday 2025-11-02, 02:00 ADT →
 * 01:00 AST). Teachers Alice and Bob teach their own students; Sam substitutes. Lessons are
 * inserted scheduled (in the past) and then completed, cancelled or closed through the real API.
 */
import type { Role } from '../../src/modules/auth/access.js';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';
import { call, insertStudent, type TestUser } from '../scheduling/helpers.js';

export interface PayrollSchool {
  t: TestApp;
  admin: TestUser;
  parent: TestUser;
  alice: TestUser;
  bob: TestUser;
  sam: TestUser;
  aliceStudent: number;
  bobStudent: number;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** A scheduled lesson at local ISO `at` (with offset) of `minutes`; returns its id. */
  lesson(teacher: TestUser, studentId: number, at: string, minutes: number, substitute?: TestUser): Promise<number>;
  /** `user` calls the app (JSON body); see scheduling/helpers `call`. */
  call: (user: TestUser | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => ReturnType<typeof call>;
  close(): Promise<void>;
}

export async function createPayrollSchool(): Promise<PayrollSchool> {
  const t = await createTestApp({ env: { SCHOOL_TIMEZONE: 'America/Halifax' } });
  const db = t.database.db;
  await db.sql.query(`INSERT INTO settings (key, value) VALUES ('timezone', '"America/Halifax"') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
  const [admin, parent] = await Promise.all((['admin', 'parent'] as Role[]).map((role) => createUser(db, role)));
  const alice = await createUser(db, 'teacher', { firstName: 'Alice' });
  const bob = await createUser(db, 'teacher', { firstName: 'Bob' });
  const sam = await createUser(db, 'teacher', { firstName: 'Sam' });
  const aliceStudent = await insertStudent(db, parent!.id, alice.teacherId, { name: 'Ava' });
  const bobStudent = await insertStudent(db, parent!.id, bob.teacherId, { name: 'Ben' });
  return {
    t,
    admin: admin!,
    parent: parent!,
    alice,
    bob,
    sam,
    aliceStudent,
    bobStudent,
    sql: (text, params = []) => db.sql.query(text, params),
    async lesson(teacher, studentId, at, minutes, substitute) {
      const [row] = await db.sql.query<{ id: number }>(
        `INSERT INTO lessons (student_id, teacher_id, substitute_teacher_id, scheduled_at, duration_minutes, ends_at)
         VALUES ($1, $2, $3, $4::timestamptz, $5, $4::timestamptz + make_interval(mins => $5)) RETURNING id`,
        [studentId, teacher.teacherId, substitute?.teacherId ?? null, at, minutes],
      );
      return row!.id;
    },
    call: (user, method, url, payload) => call(t, user, method, url, payload),
    close: () => t.close(),
  };
}
