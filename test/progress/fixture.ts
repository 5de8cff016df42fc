/** A small school for the progress tests: two families, their teachers, a teacher with no student of theirs. */
import type { Role } from '../../src/modules/auth/access.js';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';
import { insertStudent, type TestUser } from '../scheduling/helpers.js';

export const ZONE = 'America/Halifax';

export interface ProgressSchool {
  t: TestApp;
  admin: TestUser;
  /** Teaches `emma` (assigned). */
  teacher: TestUser;
  /** Teaches `noah` (assigned). */
  otherTeacher: TestUser;
  /** Emma's parent. */
  parent: TestUser;
  /** Noah's parent. */
  otherParent: TestUser;
  emma: number;
  noah: number;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function createProgressSchool(): Promise<ProgressSchool> {
  const t = await createTestApp({ env: { SCHOOL_TIMEZONE: ZONE } });
  const db = t.database.db;
  const [admin, teacher, otherTeacher, parent, otherParent] = await Promise.all(
    (['admin', 'teacher', 'teacher', 'parent', 'parent'] as Role[]).map((role) => createUser(db, role)),
  );
  const emma = await insertStudent(db, parent!.id, teacher!.teacherId, { name: 'Emma' });
  const noah = await insertStudent(db, otherParent!.id, otherTeacher!.teacherId, { name: 'Noah' });
  return {
    t,
    admin: admin!,
    teacher: teacher!,
    otherTeacher: otherTeacher!,
    parent: parent!,
    otherParent: otherParent!,
    emma,
    noah,
    sql: (text, params = []) => db.sql.query(text, params),
    close: () => t.close(),
  };
}

/** Inserts a lesson as the owner at `at` (ISO with offset), optionally completed with attendance and notes. */
export async function lessonAt(
  s: ProgressSchool,
  studentId: number,
  teacherId: number,
  at: string,
  fields: { status?: string; attendance?: string; notes?: string; privateNotes?: string; substituteTeacherId?: number } = {},
): Promise<number> {
  const [row] = await s.sql<{ id: number }>(
    `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, status, attendance, notes, private_notes, substitute_teacher_id)
     VALUES ($1, $2, $3::timestamptz, 30, $3::timestamptz + interval '30 minutes', $4, $5, $6, $7, $8) RETURNING id`,
    [studentId, teacherId, at, fields.status ?? 'scheduled', fields.attendance ?? null, fields.notes ?? null, fields.privateNotes ?? null, fields.substituteTeacherId ?? null],
  );
  return row!.id;
}
