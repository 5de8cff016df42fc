/**
 * Duplicate students: a parent's active children are told apart by name and date of birth. Two
 * active students of one parent with the same first and last name (trimmed, inner spaces collapsed,
 * case-insensitive) and the same date of birth are one child entered twice: refused with 409. The
 * check holds a transaction lock per parent (an advisory lock, so it needs no privilege of the
 * request role), so two requests at the same moment cannot both pass it. It is a rule of the
 * students API, not a database constraint: records written by SQL (imports, fixtures) are not
 * refused. An enrollment for a child the family already has reuses that student
 * (enrollments/workflows/family.ts), or is rejected for another instrument (validate.ts).
 */
import { sql } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { rowsOf } from '../../db/orm-sql.js';
import { conflict } from '../../http/errors.js';

/** The same normalisation as the index: lower(regexp_replace(btrim(first) || ' ' || btrim(last), '\s+', ' ', 'g')). */
export const studentNameKeySql = (first: string, last: string): string => `lower(regexp_replace(btrim(${first}) || ' ' || btrim(${last}), '\\s+', ' ', 'g'))`;

/** First key of the per-parent advisory locks (the second is the parent id). */
const PARENT_LOCK_SPACE = 7_273_640;

export interface StudentIdentity {
  parentId: number;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  isActive: boolean;
}

/** The id of another active student of the same parent with the same name and date of birth, if any. */
export async function duplicateOf(tx: Orm, student: StudentIdentity, exceptId?: number): Promise<number | undefined> {
  if (!student.isActive) return undefined;
  const [found] = rowsOf<{ id: number }>(
    await tx.execute(sql`SELECT id FROM students
      WHERE parent_id = ${student.parentId} AND is_active AND date_of_birth = ${student.dateOfBirth} AND id <> ${exceptId ?? -1}
        AND ${sql.raw(studentNameKeySql('first_name', 'last_name'))} = lower(regexp_replace(btrim(${student.firstName}) || ' ' || btrim(${student.lastName}), '\\s+', ' ', 'g'))
      ORDER BY id LIMIT 1`),
  );
  return found ? Number(found.id) : undefined;
}

/** 409 naming body.firstName when the parent already has this child (another active student). */
export async function refuseDuplicateStudent(tx: Orm, student: StudentIdentity, exceptId?: number): Promise<void> {
  if (!student.isActive) return;
  // Until the transaction ends: another write of this parent's children waits for this one.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${PARENT_LOCK_SPACE}::int, ${student.parentId}::int)`);
  const existing = await duplicateOf(tx, student, exceptId);
  if (existing === undefined) return;
  throw conflict(`Parent ${student.parentId} already has the student ${student.firstName.trim()} ${student.lastName.trim()} born ${student.dateOfBirth} (student ${existing})`, [
    { field: 'body.firstName', message: 'this parent already has an active student with this name and date of birth' },
  ]);
}

/** Takes the locks of refuseDuplicateStudent for several parents in one statement (in id order, so two callers cannot deadlock). */
export async function lockParents(sql: SqlExecutor, parentIds: readonly number[]): Promise<void> {
  if (parentIds.length === 0) return;
  await sql.query(`SELECT count(pg_advisory_xact_lock(${PARENT_LOCK_SPACE}::int, id)) FROM (SELECT DISTINCT unnest($1::int[]) AS id ORDER BY 1) AS ids`, [parentIds]);
}
