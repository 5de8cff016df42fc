import { DateTime } from 'luxon';
import type { Database } from '../../src/db/client.js';
import type { Role } from '../../src/modules/auth/access.js';
import { createTestApp, createUser, type TestApp } from '../helpers/app.js';

export type TestUser = Awaited<ReturnType<typeof createUser>>;
export const zone = 'America/Halifax';

/**
 * A scheduling test school: an admin; a teacher available every day around the clock (so tests can
 * book any future time) and a second teacher with Monday 16:00–18:00 only; two families.
 */
export interface School {
  t: TestApp;
  db: Database;
  admin: TestUser;
  teacher: TestUser;
  mondayTeacher: TestUser;
  parent: TestUser;
  otherParent: TestUser;
  /** The parent's child, taught by `teacher`. */
  studentId: number;
  /** The other family's child, taught by `teacher`. */
  otherStudentId: number;
}

export async function insertStudent(db: Database, parentId: number, teacherId: number | null, fields: { active?: boolean; name?: string } = {}): Promise<number> {
  const [row] = await db.sql.query<{ id: number }>(
    `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents, is_active)
     VALUES ($1, $2, $3, 'Pupil', '2015-01-01', 'piano', 4500, $4) RETURNING id`,
    [parentId, teacherId, fields.name ?? 'Emma', fields.active ?? true],
  );
  return row!.id;
}

export async function setHours(db: Database, teacherId: number, blocks: { weekday: number; start: string; end: string }[]): Promise<void> {
  for (const b of blocks) {
    await db.sql.query('INSERT INTO teacher_availability (teacher_id, weekday, start_time, end_time) VALUES ($1, $2, $3, $4)', [teacherId, b.weekday, b.start, b.end]);
  }
}

export async function createSchool(env: Record<string, string> = {}): Promise<School> {
  const t = await createTestApp({ env });
  const db = t.database.db;
  const [admin, teacher, mondayTeacher, parent, otherParent] = await Promise.all(
    (['admin', 'teacher', 'teacher', 'parent', 'parent'] as Role[]).map((role) => createUser(db, role)),
  );
  await setHours(
    db,
    teacher!.teacherId!,
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  );
  await setHours(db, mondayTeacher!.teacherId!, [{ weekday: 1, start: '16:00', end: '18:00' }]);
  const studentId = await insertStudent(db, parent!.id, teacher!.teacherId);
  const otherStudentId = await insertStudent(db, otherParent!.id, teacher!.teacherId, { name: 'Noah' });
  return { t, db, admin: admin!, teacher: teacher!, mondayTeacher: mondayTeacher!, parent: parent!, otherParent: otherParent!, studentId, otherStudentId };
}

/** app.inject with a JSON body and the user's bearer header (null: no token). */
export async function call(t: TestApp, user: TestUser | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const response = await t.app.inject({ method, url, headers: user ? user.headers : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
  const json = response.headers['content-type']?.toString().includes('json') && response.body ? JSON.parse(response.body) : undefined;
  return { status: response.statusCode, body: json as any, text: response.body, headers: response.headers };
}

export const fieldsOf = (body: any): string[] => ((body?.error?.details ?? []) as { field: string }[]).map((d) => d.field);

/** A local time in the school's zone `days` from today (rounded to the quarter hour), as ISO with offset. */
export function inDays(days: number, time = '16:00'): string {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.now().setZone(zone).plus({ days }).set({ hour, minute, second: 0, millisecond: 0 }).toISO({ suppressMilliseconds: true })!;
}

/** `hours` from now, on the quarter hour after it, as ISO (UTC). */
export function inHours(hours: number): string {
  const ms = Date.now() + hours * 3_600_000;
  return new Date(Math.ceil(ms / 900_000) * 900_000).toISOString();
}

/** The next Monday at least `minDays` ahead, at `time` local. */
export function nextMonday(minDays = 3, time = '16:00'): string {
  const [hour, minute] = time.split(':').map(Number);
  let day = DateTime.now().setZone(zone).plus({ days: minDays });
  while (day.weekday !== 1) day = day.plus({ days: 1 });
  return day.set({ hour, minute, second: 0, millisecond: 0 }).toISO({ suppressMilliseconds: true })!;
}

export const lessonBody = (school: School, scheduledAt: string, extra: Record<string, unknown> = {}) => ({
  studentId: school.studentId,
  teacherId: school.teacher.teacherId,
  scheduledAt,
  durationMinutes: 30,
  ...extra,
});

/** Inserts a lesson directly (as the owner), e.g. one in the past. */
export async function insertLesson(db: Database, fields: { studentId: number; teacherId: number; at: string; minutes?: number; type?: string; status?: string }): Promise<number> {
  const [row] = await db.sql.query<{ id: number }>(
    `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, lesson_type, status)
     VALUES ($1, $2, $3::timestamptz, $4::int, $3::timestamptz + make_interval(mins => $4::int), $5, $6) RETURNING id`,
    [fields.studentId, fields.teacherId, fields.at, fields.minutes ?? 30, fields.type ?? 'regular', fields.status ?? 'scheduled'],
  );
  return row!.id;
}

export async function auditCount(db: Database, entityId?: number): Promise<number> {
  const [row] = await db.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'lesson' AND action <> 'read' AND ($1::text IS NULL OR entity_id = $1::text)`,
    [entityId === undefined ? null : String(entityId)],
  );
  return row!.n;
}
