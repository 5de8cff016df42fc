/**
 * The enrollments table as the HTTP side sees it: insert a submission once (the dedupe index), link
 * its run, and read statuses, `running` included (derived from the workflow run).
 */
import type { EnrollmentMessage, EnrollmentSource } from '../../db/schema/enrollments.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { isFinal, type DurableRunStatus, type RunError } from '../../engine/index.js';
import { offsetOf } from '../../http/pagination.js';
import type { EnrollmentApiStatus, EnrollmentListItem, EnrollmentListQuery, EnrollmentStatusView, Submission } from './schemas.js';
import { statusUrlOf } from './schemas.js';

/** The API status: a stored decision, else what the run is doing (a run that ended without one failed). */
const API_STATUS = `CASE WHEN e.status <> 'pending' THEN e.status
  WHEN r.status IS NULL OR r.status = 'queued' THEN 'pending'
  WHEN r.status IN ('running', 'compensating') THEN 'running'
  ELSE 'failed' END`;

/** The same normalisation as the dedupe index of migrations/0009. */
const NAME_KEY = (first: string, last: string): string => `lower(regexp_replace(btrim(${first}) || ' ' || btrim(${last}), '\\s+', ' ', 'g'))`;

const SELECT = `SELECT e.id, e.run_id, ${API_STATUS} AS api_status, e.student_id, e.parent_id, e.teacher_id, e.demo_lesson_id,
    e.demo_lesson_at, e.payment_setup, e.flags, e.errors, r.status AS run_status, r.error AS run_error, e.source, e.parent_email,
    e.student_first_name, e.student_last_name, e.student_date_of_birth, e.instrument, e.created_at
  FROM enrollments e LEFT JOIN workflow_run_states r ON r.run_id = e.run_id`;

export interface StatusRow {
  id: number;
  run_id: string | null;
  api_status: EnrollmentApiStatus;
  student_id: number | null;
  parent_id: number | null;
  teacher_id: number | null;
  demo_lesson_id: number | null;
  demo_lesson_at: Date | null;
  payment_setup: EnrollmentStatusView['paymentSetup'] | null;
  flags: string[];
  errors: EnrollmentMessage[];
  run_status: DurableRunStatus | null;
  run_error: RunError | null;
  source: EnrollmentSource;
  parent_email: string;
  student_first_name: string;
  student_last_name: string;
  student_date_of_birth: string;
  instrument: string;
  created_at: Date;
}

export const finalStatuses: ReadonlySet<EnrollmentApiStatus> = new Set(['completed', 'waitlisted', 'rejected', 'failed']);

/**
 * Decided, and its run has finished too (a failed one has undone its work and recorded why), or it
 * is waitlisted and its run waits for a place.
 */
export const isSettled = (row: StatusRow): boolean =>
  finalStatuses.has(row.api_status) && (row.run_status === null || isFinal(row.run_status) || (row.api_status === 'waitlisted' && row.run_status === 'waiting'));

/** The API view. `withRunError`: add the workflow's own error to a failed one (admins only: it may be technical). */
export function toStatusView(row: StatusRow, withRunError: boolean): EnrollmentStatusView {
  const errors = [...row.errors];
  if (withRunError && row.api_status === 'failed' && row.run_error) {
    errors.push({ code: 'workflow_error', message: `${row.run_error.nodeId ?? 'workflow'}: ${row.run_error.message}` });
  }
  const id = (value: number | null): number | undefined => (value === null ? undefined : Number(value));
  return {
    enrollmentId: Number(row.id),
    runId: row.run_id,
    status: row.api_status,
    studentId: id(row.student_id),
    parentId: id(row.parent_id),
    assignedTeacherId: id(row.teacher_id),
    ...(row.demo_lesson_id !== null && row.demo_lesson_at !== null
      ? { demoLesson: { lessonId: Number(row.demo_lesson_id), startsAt: new Date(row.demo_lesson_at).toISOString() } }
      : {}),
    ...(row.payment_setup ? { paymentSetup: row.payment_setup } : {}),
    ...(row.flags.length > 0 ? { flags: row.flags } : {}),
    ...(errors.length > 0 ? { errors } : {}),
    statusUrl: statusUrlOf(Number(row.id)),
  };
}

function toListItem(row: StatusRow): EnrollmentListItem {
  return {
    ...toStatusView(row, true),
    source: row.source,
    studentName: `${row.student_first_name} ${row.student_last_name}`,
    studentDateOfBirth: row.student_date_of_birth,
    parentEmail: row.parent_email,
    instrument: row.instrument,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * Stores a submission, or finds the living enrollment of the same submission (same parent e-mail,
 * student name and date of birth). `created` says which.
 */
export async function insertOrFind(
  sql: SqlExecutor,
  input: { source: EnrollmentSource; submittedBy: number | null; submission: Submission },
): Promise<{ id: number; runId: string | null; created: boolean }> {
  const s = input.submission;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const [inserted] = await sql.query<{ id: number; run_id: string | null }>(
      `INSERT INTO enrollments (source, submitted_by, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id, run_id`,
      [input.source, input.submittedBy, JSON.stringify(s), s.parentEmail, s.studentFirstName, s.studentLastName, s.studentDateOfBirth, s.instrument],
    );
    if (inserted) return { id: Number(inserted.id), runId: inserted.run_id, created: true };
    const [existing] = await sql.query<{ id: number; run_id: string | null }>(
      `SELECT id, run_id FROM enrollments
       WHERE lower(parent_email) = lower($1) AND ${NAME_KEY('student_first_name', 'student_last_name')} = ${NAME_KEY('$2::text', '$3::text')}
         AND student_date_of_birth = $4 AND status IN ('pending', 'awaiting_confirmation', 'completed', 'waitlisted')`,
      [s.parentEmail, s.studentFirstName, s.studentLastName, s.studentDateOfBirth],
    );
    if (existing) return { id: Number(existing.id), runId: existing.run_id, created: false };
    // The enrollment in the way has just failed: try again.
  }
  throw new Error('could not store the enrollment (its duplicate kept changing)');
}

/** Links the run (once). */
export async function attachRun(sql: SqlExecutor, id: number, runId: string): Promise<void> {
  await sql.query('UPDATE enrollments SET run_id = $2 WHERE id = $1 AND run_id IS NULL', [id, runId]);
}

export async function readStatus(sql: SqlExecutor, id: number): Promise<StatusRow | undefined> {
  const [row] = await sql.query<StatusRow>(`${SELECT} WHERE e.id = $1`, [id]);
  return row;
}

/** A page of enrollments, newest first, optionally of one API status. */
export async function listEnrollments(sql: SqlExecutor, query: EnrollmentListQuery): Promise<{ data: EnrollmentListItem[]; total: number }> {
  const where = query.status ? `WHERE ${API_STATUS} = $3` : '';
  const params: unknown[] = [query.pageSize, offsetOf(query), ...(query.status ? [query.status] : [])];
  const rows = await sql.query<StatusRow & { total: number }>(
    `${SELECT.replace('SELECT e.id,', 'SELECT count(*) OVER () AS total, e.id,')} ${where} ORDER BY e.created_at DESC, e.id DESC LIMIT $1 OFFSET $2`,
    params,
  );
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && query.page > 1) {
    const [count] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM enrollments e LEFT JOIN workflow_run_states r ON r.run_id = e.run_id ${where.replace('$3', '$1')}`,
      query.status ? [query.status] : [],
    );
    total = Number(count?.n ?? 0);
  }
  return { data: rows.map(toListItem), total };
}
