/**
 * The office gives a waitlisted enrollment a place (POST /enrollments/{id}/promote): checked and
 * claimed under the waitlist's lock (nothing changes on a refusal), audited, then its waiting run is
 * signalled and goes on from `family` with the chosen teacher preferred. The office declining a
 * waitlisted enrollment is in confirmation.ts (POST /enrollments/{id}/decline).
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { conflict, notFound, validationFailed } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { SchoolServices } from '../services.js';
import { isFree } from './scoring.js';
import { statusUrlOf } from './schemas.js';
import { teachersOf } from './teachers.js';
import { hasPlaceFor, lockWaitlist } from './waitlist.js';
import { WAITLIST_PLACE, type WaitlistAnswer } from './workflows/waitlist.js';

interface WaitlistedRow {
  id: number;
  status: string;
  instrument: string;
  run_id: string | null;
  run_status: string | null;
  promoted_at: Date | null;
}

/** The enrollment, checked to be waitlisted with a run waiting for a place (404, 409 otherwise). */
export async function waitingEnrollment(sql: SqlExecutor, enrollmentId: number): Promise<WaitlistedRow & { run_id: string }> {
  const [row] = await sql.query<WaitlistedRow>(
    `SELECT e.id, e.status, e.instrument, e.run_id, r.status AS run_status, e.promoted_at
     FROM enrollments e LEFT JOIN workflow_run_states r ON r.run_id = e.run_id WHERE e.id = $1`,
    [enrollmentId],
  );
  if (!row) throw notFound(`Enrollment ${enrollmentId}`);
  if (row.status !== 'waitlisted') throw conflict(`Enrollment ${enrollmentId} is not waitlisted (it is ${row.status}); nothing was changed`);
  if (row.promoted_at !== null) throw conflict(`Enrollment ${enrollmentId} already has a place (given ${new Date(row.promoted_at).toISOString()}); its run is going on`);
  if (row.run_id === null || row.run_status !== 'waiting') {
    throw conflict(`The run of enrollment ${enrollmentId} is not waiting for a place (${row.run_status ?? 'no run'}); submit the form again`);
  }
  return { ...row, run_id: row.run_id };
}

/** 400 naming body.teacherId for an unknown teacher or one who does not teach `instrument`; 409 when they have no room. */
async function checkTeacher(sql: SqlExecutor, teacherId: number, instrument: string): Promise<void> {
  const [teacher] = await sql.query<{ instruments: string[]; active: boolean }>(
    `SELECT t.instruments, u.is_active AS active FROM teachers t JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
    [teacherId],
  );
  if (!teacher?.active) throw validationFailed([{ field: 'body.teacherId', message: `there is no active teacher ${teacherId}` }]);
  if (!teacher.instruments.includes(instrument)) throw validationFailed([{ field: 'body.teacherId', message: `teacher ${teacherId} does not teach ${instrument}` }]);
  const candidate = (await teachersOf(sql, instrument)).find((t) => t.teacherId === teacherId);
  if (!candidate || !isFree(candidate, instrument)) {
    throw conflict(`Teacher ${teacherId} is not accepting new students or has no room`, [{ field: 'body.teacherId', message: 'no room for a new student' }]);
  }
}

export async function promoteEnrollment(
  services: Pick<SchoolServices, 'db' | 'workflows'>,
  actor: AuditActor,
  enrollmentId: number,
  body: { teacherId?: number | undefined },
): Promise<{ enrollmentId: number; runId: string; statusUrl: string }> {
  const { db, workflows } = services;
  const by = `admin:${actor.userId ?? 0}`;
  const runId = await db.sql.transaction(async (tx) => {
    await lockWaitlist(tx);
    const row = await waitingEnrollment(tx, enrollmentId);
    if (body.teacherId !== undefined) await checkTeacher(tx, body.teacherId, row.instrument);
    else if (!(await hasPlaceFor(tx, row.instrument))) {
      throw conflict(`No ${row.instrument} teacher has a free place (or it is promised to an enrollment on its way); add one, raise a capacity, or give teacherId`);
    }
    await tx.query(`UPDATE enrollments SET promoted_at = now(), promoted_by = $2 WHERE id = $1`, [enrollmentId, by]);
    await recordAudit(tx, actor, { action: 'promote', entity: 'enrollment', entityId: enrollmentId, after: { promotedBy: by, teacherId: body.teacherId ?? null } });
    return row.run_id;
  });
  const answer: WaitlistAnswer = { by, approved: true, ...(body.teacherId !== undefined ? { teacherId: body.teacherId } : {}) };
  await workflows.signal(runId, WAITLIST_PLACE, answer);
  return { enrollmentId, runId, statusUrl: statusUrlOf(enrollmentId) };
}
