import { aliasedTable, and, asc, count, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import type { Caller } from '../auth/scoped.js';
import { students } from '../../db/schema/students.js';
import { teachers } from '../../db/schema/teachers.js';
import { users } from '../../db/schema/users.js';
import { notFound } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import { containsPattern, toIso } from '../records/common.js';
import type { StudentListQuery, StudentSort, StudentView } from './schemas.js';

const parentUser = aliasedTable(users, 'parent_user');
const teacherUser = aliasedTable(users, 'teacher_user');

const columns = {
  student: students,
  parentName: sql<string | null>`${parentUser.firstName} || ' ' || ${parentUser.lastName}`,
  teacherName: sql<string | null>`${teacherUser.firstName} || ' ' || ${teacherUser.lastName}`,
};

type Row = { student: typeof students.$inferSelect; parentName: string | null; teacherName: string | null };

/** Whole years between `dateOfBirth` and `today`, both 'YYYY-MM-DD'. */
export function ageOn(dateOfBirth: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return today.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

export function toView(row: Row, today: string, role?: Caller['role']): StudentView {
  const s = row.student;
  const view: StudentView = {
    id: s.id,
    parentId: s.parentId,
    parentName: row.parentName,
    teacherId: s.teacherId,
    teacherName: row.teacherName,
    firstName: s.firstName,
    lastName: s.lastName,
    email: s.email,
    dateOfBirth: s.dateOfBirth,
    age: ageOn(s.dateOfBirth, today),
    instrument: s.instrument,
    skillLevel: s.skillLevel,
    lessonRateCents: s.lessonRateCents,
    enrollmentDate: s.enrollmentDate,
    isActive: s.isActive,
    canSchedule: s.isActive && s.teacherId !== null,
    notes: s.notes,
    createdAt: toIso(s.createdAt),
    updatedAt: toIso(s.updatedAt),
  };
  if (role === 'parent') delete view.notes;
  return view;
}

const base = (tx: Orm) =>
  tx
    .select(columns)
    .from(students)
    .leftJoin(parentUser, eq(parentUser.id, students.parentId))
    .leftJoin(teachers, eq(teachers.id, students.teacherId))
    .leftJoin(teacherUser, eq(teacherUser.id, teachers.userId));

/** One student with its parent's and teacher's names (RLS decides whether the caller sees it: 404 otherwise). */
export async function findStudent(tx: Orm, id: number): Promise<Row> {
  const [row] = await base(tx).where(eq(students.id, id));
  if (!row) throw notFound(`Student ${id}`);
  return row;
}

const sortColumns: Record<StudentSort, SQL | typeof students.id> = {
  lastName: sql`lower(${students.lastName})`,
  firstName: sql`lower(${students.firstName})`,
  createdAt: sql`${students.createdAt}`,
  enrollmentDate: sql`${students.enrollmentDate}`,
  dateOfBirth: sql`${students.dateOfBirth}`,
  instrument: sql`${students.instrument}`,
  id: students.id,
};

/**
 * A page of students matching the filters. `scope` narrows to the caller's own students (a parent's
 * children, a teacher's assigned students) on top of the row-level security policies.
 */
export async function listStudents(tx: Orm, query: StudentListQuery, scope: { parentId?: number; teacherId?: number }) {
  const conditions: SQL[] = [];
  if (scope.parentId !== undefined) conditions.push(eq(students.parentId, scope.parentId));
  if (scope.teacherId !== undefined) conditions.push(eq(students.teacherId, scope.teacherId));
  if (query.instrument) conditions.push(eq(students.instrument, query.instrument));
  if (query.teacherId) conditions.push(eq(students.teacherId, query.teacherId));
  if (query.parentId) conditions.push(eq(students.parentId, query.parentId));
  if (query.skillLevel) conditions.push(eq(students.skillLevel, query.skillLevel));
  if (query.active !== 'all') conditions.push(eq(students.isActive, query.active === 'true'));
  if (query.q) {
    const pattern = containsPattern(query.q);
    conditions.push(or(ilike(students.firstName, pattern), ilike(students.lastName, pattern), ilike(sql`${students.firstName} || ' ' || ${students.lastName}`, pattern))!);
  }
  const where = and(...conditions);
  const descending = query.sort.startsWith('-');
  const key = query.sort.replace(/^-/, '') as StudentSort;
  const direction = descending ? desc : asc;
  const order = [direction(sortColumns[key]), ...[sortColumns.lastName, sortColumns.firstName, students.id].map((c) => asc(c))];
  // The total comes with the page (one round trip); only a page past the end needs its own count.
  const rows = await tx
    .select({ ...columns, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(students)
    .leftJoin(parentUser, eq(parentUser.id, students.parentId))
    .leftJoin(teachers, eq(teachers.id, students.teacherId))
    .leftJoin(teacherUser, eq(teacherUser.id, teachers.userId))
    .where(where)
    .orderBy(...order)
    .limit(query.pageSize)
    .offset(offsetOf(query));
  if (rows.length > 0) return { rows, total: rows[0]!.total };
  const [total] = await tx.select({ n: count() }).from(students).where(where);
  return { rows, total: total?.n ?? 0 };
}
