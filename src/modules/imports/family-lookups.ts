/**
 * The look-ups of a families batch (family-batch.ts), one statement per kind for the whole batch:
 * the accounts by e-mail, the teachers by e-mail, the children that already exist.
 */
import type { StudentBody } from '../students/schemas.js';
import { lockParents, studentNameKeySql } from '../students/duplicates.js';
import type { FamilyRow, StudentColumns } from './families.js';
import type { ImportRow } from './parse.js';
import type { RowContext } from './row-context.js';
import type { RowProblem } from './values.js';

export interface Parent {
  /** Undefined until the batch's pending rows are written. */
  id: number | undefined;
  role: string;
  is_active: boolean;
  first_name: string;
  last_name: string;
  phone: string | null;
}

export interface Teacher {
  id: number;
  email: string;
  instruments: string[];
  maxStudents: number;
  isAvailable: boolean;
  userActive: boolean;
  name: string;
  /** Active students now, counting the batch's pending children. */
  activeStudents: number;
}

/** A row read in memory: its family and child, or the problem that refuses it. */
export interface ReadRow {
  row: ImportRow;
  family?: FamilyRow;
  teacher?: Teacher;
  body?: StudentBody;
  problem?: RowProblem;
}

/** The accounts with these e-mails (lower case), in one statement. */
export async function parentsByEmail(ctx: RowContext, emails: string[]): Promise<Map<string, Parent>> {
  if (emails.length === 0) return new Map();
  const rows = await ctx.tx.sql.query<Parent & { email: string }>(
    'SELECT id, lower(email) AS email, role, is_active, first_name, last_name, phone FROM users WHERE lower(email) = ANY($1::text[])',
    [emails],
  );
  return new Map(rows.map(({ email, ...parent }) => [email, { ...parent, id: Number(parent.id) }]));
}

/** The teachers with these e-mails with their active students, locked until the batch commits (as checkStudent locks one). */
export async function teachersByEmail(ctx: RowContext, emails: string[]): Promise<Map<string, Teacher>> {
  if (emails.length === 0) return new Map();
  const rows = await ctx.tx.sql.query<{
    id: number;
    email: string;
    instruments: string[];
    max_students: number;
    is_available: boolean;
    user_active: boolean;
    name: string;
    active_students: number;
  }>(
    `SELECT t.id, lower(u.email) AS email, t.instruments, t.max_students, t.is_available, u.is_active AS user_active, u.first_name || ' ' || u.last_name AS name,
        (SELECT count(*)::int FROM students s WHERE s.teacher_id = t.id AND s.is_active) AS active_students
       FROM teachers t JOIN users u ON u.id = t.user_id WHERE lower(u.email) = ANY($1::text[]) ORDER BY t.id FOR UPDATE OF t`,
    [emails],
  );
  return new Map(
    rows.map((t) => [
      t.email,
      {
        id: Number(t.id),
        email: t.email,
        instruments: t.instruments,
        maxStudents: Number(t.max_students),
        isAvailable: t.is_available,
        userActive: t.user_active,
        name: t.name,
        activeStudents: Number(t.active_students),
      },
    ]),
  );
}

/**
 * Each row's existing child (duplicateOf's rule: the parent's active student of that name and
 * date of birth), by row index, in one statement, after taking the parents' locks as
 * refuseDuplicateStudent does; only rows of existing, active parents.
 */
export async function matchingChildren(ctx: RowContext, families: readonly ReadRow[], parents: ReadonlyMap<string, Parent>): Promise<Map<number, StudentColumns>> {
  const wanted: Array<{ index: number; parentId: number; body: StudentBody }> = [];
  for (const [index, read] of families.entries()) {
    const parent = read.family && parents.get(read.family.parent.email);
    if (read.body && parent?.id !== undefined && parent.role === 'parent' && parent.is_active) wanted.push({ index, parentId: parent.id, body: read.body });
  }
  if (wanted.length === 0) return new Map();
  await lockParents(
    ctx.tx.sql,
    wanted.map((w) => w.parentId),
  );
  const rows = await ctx.tx.sql.query<{
    i: number;
    instrument: string;
    skill_level: StudentColumns['skillLevel'];
    lesson_rate_cents: number;
    email: string | null;
    notes: string | null;
    teacher_id: number | null;
  }>(
    `SELECT w.i, s.instrument, s.skill_level, s.lesson_rate_cents, s.email, s.notes, s.teacher_id
       FROM unnest($1::int[], $2::int[], $3::date[], $4::text[], $5::text[]) AS w(i, parent_id, dob, first_name, last_name)
       JOIN LATERAL (SELECT * FROM students s WHERE s.parent_id = w.parent_id AND s.is_active AND s.date_of_birth = w.dob
         AND ${studentNameKeySql('s.first_name', 's.last_name')} = ${studentNameKeySql('w.first_name', 'w.last_name')} ORDER BY s.id LIMIT 1) s ON true`,
    [wanted.map((w) => w.index), wanted.map((w) => w.parentId), wanted.map((w) => w.body.dateOfBirth), wanted.map((w) => w.body.firstName), wanted.map((w) => w.body.lastName)],
  );
  return new Map(
    rows.map((s) => [
      Number(s.i),
      {
        instrument: s.instrument,
        skillLevel: s.skill_level,
        lessonRateCents: Number(s.lesson_rate_cents),
        email: s.email,
        notes: s.notes,
        teacherId: s.teacher_id === null ? null : Number(s.teacher_id),
      },
    ]),
  );
}
