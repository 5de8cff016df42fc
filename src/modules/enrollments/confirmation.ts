/**
 * The answers that end the `confirm` node's wait: the e-mailed link (public, one-time, until it
 * expires) and the office's approval or refusal (admin, audited). Each sends OWNER_CONFIRMED to the
 * enrollment's run; the run goes on by itself. A second answer changes nothing (the first wins).
 */
import type { SqlClient, SqlExecutor } from '../../db/sql-client.js';
import { conflict, notFound, validationFailed } from '../../http/errors.js';
import type { WorkflowStarter } from '../services.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { statusUrlOf } from './schemas.js';
import { waitingEnrollment } from './promotion.js';
import { lockWaitlist } from './waitlist.js';
import { OWNER_CONFIRMED, tokenHashOf, type OwnerAnswer } from './workflows/confirm.js';
import { WAITLIST_PLACE, type WaitlistAnswer } from './workflows/waitlist.js';

export interface Confirmed {
  enrollmentId: number;
  statusUrl: string;
}

/** The link was used: 400 naming `body.token` when it is unknown, used or expired. */
export async function confirmByLink(sql: SqlExecutor, workflows: WorkflowStarter, token: string): Promise<Confirmed> {
  const [row] = await sql.query<{ id: number; run_id: string | null }>(
    `SELECT id, run_id FROM enrollments
     WHERE confirmation_token_hash = $1 AND status = 'awaiting_confirmation' AND confirmation_expires_at > now()`,
    [tokenHashOf(token)],
  );
  if (!row?.run_id) throw validationFailed([{ field: 'body.token', message: 'is not a valid confirmation link, or it was already used or has expired' }]);
  const answer: OwnerAnswer = { by: 'email', approved: true };
  await workflows.signal(row.run_id, OWNER_CONFIRMED, answer);
  return { enrollmentId: Number(row.id), statusUrl: statusUrlOf(Number(row.id)) };
}

/**
 * The office approves (`approved`) or declines an enrollment awaiting its owner, or declines a
 * waitlisted one (its run, waiting for a place, ends rejected with the reason, and the family is
 * told): 409 when it is neither.
 */
export async function answerAsOffice(
  sql: SqlClient,
  workflows: WorkflowStarter,
  actor: AuditActor,
  enrollmentId: number,
  decision: { approved: boolean; reason?: string | undefined },
): Promise<Confirmed> {
  const [row] = await sql.query<{ id: number; status: string; run_id: string | null }>('SELECT id, status, run_id FROM enrollments WHERE id = $1', [enrollmentId]);
  if (!row) throw notFound(`Enrollment ${enrollmentId}`);
  if (row.status === 'waitlisted' && !decision.approved) return declineWaitlisted(sql, workflows, actor, enrollmentId, decision.reason);
  if (row.status !== 'awaiting_confirmation' || !row.run_id) throw conflict(`Enrollment ${enrollmentId} is not awaiting confirmation (it is ${row.status})`);
  const answer: OwnerAnswer = { by: `admin:${actor.userId ?? 0}`, approved: decision.approved, ...(decision.reason ? { reason: decision.reason } : {}) };
  await workflows.signal(row.run_id, OWNER_CONFIRMED, answer);
  await recordAudit(sql, actor, {
    action: decision.approved ? 'approve' : 'decline',
    entity: 'enrollment',
    entityId: enrollmentId,
    after: { approved: decision.approved, reason: decision.reason ?? null },
  });
  return { enrollmentId, statusUrl: statusUrlOf(enrollmentId) };
}

/** Declines a waitlisted enrollment whose run waits for a place (409 when it got one meanwhile). */
async function declineWaitlisted(sql: SqlClient, workflows: WorkflowStarter, actor: AuditActor, enrollmentId: number, reason: string | undefined): Promise<Confirmed> {
  const by = `admin:${actor.userId ?? 0}`;
  const runId = await sql.transaction(async (tx) => {
    await lockWaitlist(tx);
    const row = await waitingEnrollment(tx, enrollmentId);
    await recordAudit(tx, actor, { action: 'decline', entity: 'enrollment', entityId: enrollmentId, after: { approved: false, reason: reason ?? null, waitlisted: true } });
    return row.run_id;
  });
  const answer: WaitlistAnswer = { by, approved: false, ...(reason ? { reason } : {}) };
  await workflows.signal(runId, WAITLIST_PLACE, answer);
  return { enrollmentId, statusUrl: statusUrlOf(enrollmentId) };
}
