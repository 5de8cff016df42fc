import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Database, Orm } from '../../db/client.js';
import { asCaller, asCallerWithin, type Caller } from '../auth/scoped.js';
import type { TxHandle } from '../../db/orm-sql.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { EXCLUSION_VIOLATION, lessons, type Lesson } from '../../db/schema/lessons.js';
import { students } from '../../db/schema/students.js';
import { teachers } from '../../db/schema/teachers.js';
import { notFound } from '../../http/errors.js';
import { isoInZone } from '../scheduling/local-time.js';
import type { LessonView } from './schemas.js';

/**
 * Who a lesson view is for: `staff` (admins, teachers, the audit log) see `privateNotes`; `family`
 * (parents, and any role not known to be staff) never do.
 */
export type LessonAudience = 'staff' | 'family';
export const audienceOf = (caller: Pick<Caller, 'role'>): LessonAudience => (caller.role === 'admin' || caller.role === 'teacher' ? 'staff' : 'family');

/** The API view of a lesson for `audience`; its start and end carry the school's UTC offset. */
export function toLessonView(row: Lesson, zone: string, audience: LessonAudience): LessonView {
  const view: LessonView = {
    id: row.id,
    studentId: row.studentId,
    teacherId: row.teacherId,
    scheduledAt: isoInZone(row.scheduledAt.getTime(), zone),
    endsAt: isoInZone(row.endsAt.getTime(), zone),
    durationMinutes: row.durationMinutes,
    lessonType: row.lessonType,
    status: row.status,
    paymentStatus: row.paymentStatus,
    seriesId: row.seriesId,
    rescheduledFromId: row.rescheduledFromId,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    cancellationReason: row.cancellationReason,
    attendance: row.attendance,
    completedAt: row.completedAt?.toISOString() ?? null,
    notes: row.notes,
    substituteTeacherId: row.substituteTeacherId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  if (audience === 'staff') view.privateNotes = row.privateNotes;
  return view;
}

/** The caller's teacher id (teachers only). */
export async function teacherIdOf(tx: Orm, caller: Caller): Promise<number | undefined> {
  if (caller.role !== 'teacher') return undefined;
  const [row] = await tx.select({ id: teachers.id }).from(teachers).where(eq(teachers.userId, caller.userId));
  return row?.id;
}

/**
 * The explicit "own" filter on lessons, on top of row-level security: a teacher's own lessons and those they cover as substitute, a
 * parent's children's lessons, everything for an admin. Subqueries, so no extra round trip.
 */
export function ownLessonsFilter(tx: Orm, caller: Caller): SQL | undefined {
  if (caller.role === 'admin') return undefined;
  if (caller.role === 'teacher') {
    const own = tx.select({ id: teachers.id }).from(teachers).where(eq(teachers.userId, caller.userId));
    return or(inArray(lessons.teacherId, own), inArray(lessons.substituteTeacherId, own));
  }
  return inArray(lessons.studentId, tx.select({ id: students.id }).from(students).where(eq(students.parentId, caller.userId)));
}

/**
 * One lesson the caller may see, optionally locked for update. Another family's lesson (or another
 * teacher's) is "not found" (404), never 403, so ids do not reveal what exists.
 */
export async function findOwnLesson(tx: Orm, caller: Caller, id: number, forUpdate = false): Promise<Lesson> {
  const own = ownLessonsFilter(tx, caller);
  const query = tx
    .select()
    .from(lessons)
    .where(and(eq(lessons.id, id), own));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound(`Lesson ${id}`);
  return row;
}

/** The driver error when `error` is a double booking refused by an exclusion constraint (23P01). */
export function overlapError(error: unknown): { constraint?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth += 1) {
    if ((current as { code?: unknown }).code === EXCLUSION_VIOLATION) return current as { constraint?: string };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * `asCaller` whose database errors surface as the driver's own error (Drizzle wraps them in
 * DrizzleQueryError), so the error handler maps SQLSTATEs (23P01 → 409 …) instead of answering 500.
 */
export async function scoped<T>(db: Database, caller: Caller, work: (tx: Orm) => Promise<T>): Promise<T> {
  return driverErrors(() => asCaller(db, caller, work));
}

/**
 * Where the lessons module's queries run: `sql` reads as the database owner (free time depends on
 * every family's lessons), `asCaller` runs work under row-level security as the caller (database
 * errors as the driver's own, as `scoped`). Either on the pool, each `asCaller` its own
 * transaction (`poolQueries`), or all inside one open transaction (`txQueries`).
 */
export interface Queries {
  readonly sql: SqlExecutor;
  asCaller<T>(caller: Caller, work: (tx: Orm) => Promise<T>): Promise<T>;
}

export const poolQueries = (db: Database): Queries => ({ sql: db.sql, asCaller: (caller, work) => scoped(db, caller, work) });

/** Queries inside `tx`; each `asCaller` is a savepoint of it (asCallerWithin). */
export const txQueries = (tx: TxHandle): Queries => ({ sql: tx.sql, asCaller: (caller, work) => driverErrors(() => asCallerWithin(tx, caller, work)) });

/** Runs `run`, surfacing a database error wrapped by Drizzle (DrizzleQueryError) as the driver's own. */
export async function driverErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const cause = (error as { cause?: unknown } | null)?.cause;
    if (cause && typeof cause === 'object' && typeof (cause as { code?: unknown }).code === 'string') throw cause;
    throw error;
  }
}

/**
 * A read on behalf of `caller`. Teachers and parents read inside `asCaller` (row-level security
 * plus the explicit own-filter). An admin's read runs as one plain statement: every policy grants
 * admins every row, so the transaction, role switch and claims would change nothing but cost three
 * round trips on the hottest paths (the admin console's lists and calendars).
 */
export function readAs<T>(db: Database, caller: Caller, work: (orm: Orm) => Promise<T>): Promise<T> {
  return caller.role === 'admin' ? driverErrors(() => work(db.orm)) : scoped(db, caller, work);
}
