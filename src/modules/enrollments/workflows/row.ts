/**
 * The enrollments row: read it, lock it, and note flags and messages on it. The row holds what the
 * enrollment list and API show (status, family, teacher, demo lesson, payment setup, flags and
 * messages for the office). It is not how a node knows its work is done: each node writes in
 * `ctx.transaction`, which records the node's result in the same transaction, so a node run again
 * gets that result instead of writing twice.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Database, Orm } from '../../../db/client.js';
import { enrollments, type Enrollment, type EnrollmentMessage } from '../../../db/schema/enrollments.js';
import { PermanentError } from '../../../engine/index.js';
import { submission, type Submission } from '../schemas.js';

export type { Enrollment };

/**
 * Runs `work` in one transaction (as the database owner: the workflow is the school itself), without
 * recording a result: for the demo node, which finds its own earlier work.
 * Driver errors surface as themselves (Drizzle wraps them), so their SQLSTATE can be read.
 */
export async function transaction<T>(db: Database, work: (tx: Orm) => Promise<T>): Promise<T> {
  try {
    return await db.orm.transaction((tx) => work(tx as unknown as Orm));
  } catch (error) {
    const cause = (error as { cause?: unknown } | null)?.cause;
    if (cause && typeof cause === 'object' && typeof (cause as { code?: unknown }).code === 'string') throw cause;
    throw error;
  }
}

/** The row, unlocked. A missing row is permanent: the run was started for nothing. */
export async function readEnrollment(orm: Orm, id: number): Promise<Enrollment> {
  const [row] = await orm.select().from(enrollments).where(eq(enrollments.id, id));
  if (!row) throw new PermanentError(`enrollment ${id} does not exist`);
  return row;
}

/** The row, locked until the transaction ends (one node of one enrollment at a time). */
export async function lockEnrollment(tx: Orm, id: number): Promise<Enrollment> {
  const [row] = await tx.select().from(enrollments).where(eq(enrollments.id, id)).for('update');
  if (!row) throw new PermanentError(`enrollment ${id} does not exist`);
  return row;
}

/** The stored form, checked. */
export function submissionOf(row: Enrollment): Submission {
  const parsed = submission.safeParse(row.submission);
  if (!parsed.success) throw new PermanentError(`enrollment ${row.id} has an unreadable submission: ${parsed.error.message}`);
  return parsed.data;
}

/** Flags and messages with `add` merged in (a flag once; a message once per code). */
export function withNotes(row: Pick<Enrollment, 'flags' | 'errors'>, add: { flags?: string[]; errors?: EnrollmentMessage[] }) {
  const flags = [...new Set([...row.flags, ...(add.flags ?? [])])];
  const codes = new Set(row.errors.map((e) => e.code));
  const errors = [...row.errors, ...(add.errors ?? []).filter((e) => !codes.has(e.code))];
  return { flags, errors };
}

/**
 * Adds a flag and a message (once each) in the UPDATE itself, without reading the row first:
 * `set({ ...noted(flag, message) })`.
 */
export function noted(flag: string, message: string): { flags: SQL; errors: SQL } {
  return {
    flags: sql`CASE WHEN ${flag}::text = ANY (flags) THEN flags ELSE flags || ${flag}::text END`,
    errors: notedError({ code: flag, message }),
  };
}

/** Adds a message (once per code) in the UPDATE itself: `set({ errors: notedError(message) })`. */
export function notedError(entry: EnrollmentMessage): SQL {
  const json = JSON.stringify([entry]);
  return sql`CASE WHEN errors @> jsonb_build_array(jsonb_build_object('code', ${entry.code}::text)) THEN errors ELSE errors || ${json}::jsonb END`;
}

/** Updates the row. */
export async function updateEnrollment(tx: Orm, id: number, set: { [K in keyof typeof enrollments.$inferInsert]?: (typeof enrollments.$inferInsert)[K] | SQL }): Promise<void> {
  await tx.update(enrollments).set(set).where(eq(enrollments.id, id));
}

/** "Emma Wilson". */
export const studentNameOf = (s: Pick<Submission, 'studentFirstName' | 'studentLastName'>): string => `${s.studentFirstName} ${s.studentLastName}`;
export const parentNameOf = (s: Pick<Submission, 'parentFirstName' | 'parentLastName'>): string => `${s.parentFirstName} ${s.parentLastName}`;

/** The notes of the demo lesson this enrollment books (shown to the teacher and the office). */
export const demoMarker = (enrollmentId: number): string => `Demo lesson (enrollment #${enrollmentId})`;
