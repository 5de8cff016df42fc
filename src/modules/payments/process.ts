/**
 * POST /api/v1/payments/process: checks the request (the student is the caller's child for a
 * parent, the lesson is the student's, the method is not another family's; no method → the
 * family's default card), saves the payment with its audit row, starts its `payment` run, and
 * answers when the run ends — or 202 with a status URL after 2 s. With an Idempotency-Key header a
 * repeated request returns the same payment. A payment that settles a failed one (named by
 * `settlesPaymentId`, or a failed payment of the same lesson) claims it in the same transaction
 * (settlement.ts), which ends its retries.
 */
import type { Caller } from '../auth/scoped.js';
import { EventValidationError, isFinal, type DurableRunStatus } from '../../engine/index.js';
import { AppError, conflict, forbidden, validationFailed } from '../../http/errors.js';
import type { SchoolServices } from '../services.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { defaultMethodOf, ownerOfMethod } from './customers.js';
import type { ProcessBody, ProcessResult } from './schemas.js';
import { claimDebt, debtToSettle } from './settlement.js';
import { attemptRunKey, PAYMENT_WORKFLOW, type PaymentEvent } from './workflows/event.js';

type Deps = Pick<SchoolServices, 'db' | 'gateway' | 'workflows'>;

/** How long the request waits for the run before answering 202. */
export const PROCESS_WAIT_MS = 2_000;

interface Existing {
  id: number;
  student_id: number | null;
  amount_cents: number;
  description: string | null;
  workflow_run_id: string | null;
}

async function checkRequest(deps: Deps, caller: Caller, body: ProcessBody): Promise<{ parentId: number; paymentMethodId: string }> {
  const sql = deps.db.sql;
  const [student] = await sql.query<{ parent_id: number }>('SELECT parent_id FROM students WHERE id = $1', [body.studentId]);
  if (!student) throw validationFailed([{ field: 'body.studentId', message: 'no such student' }]);
  if (caller.role !== 'admin' && student.parent_id !== caller.userId) throw forbidden('You may only pay for your own children');
  if (body.lessonId !== undefined) {
    const [lesson] = await sql.query<{ student_id: number }>('SELECT student_id FROM lessons WHERE id = $1', [body.lessonId]);
    if (lesson?.student_id !== body.studentId) throw validationFailed([{ field: 'body.lessonId', message: 'is not a lesson of this student' }]);
  }
  const paymentMethodId = body.paymentMethodId ?? (await defaultMethodOf(sql, student.parent_id, deps.gateway.name));
  if (paymentMethodId === undefined) throw validationFailed([{ field: 'body.paymentMethodId', message: 'is required: the family has no default card' }]);
  const owner = await ownerOfMethod(sql, paymentMethodId);
  if (owner !== undefined && owner !== student.parent_id) {
    throw validationFailed([{ field: 'body.paymentMethodId', message: "is not one of this family's payment methods" }]);
  }
  return { parentId: student.parent_id, paymentMethodId };
}

/** Waits for the run to end (or `waitMs`), then reads the payment's state; `runStatus` is the run's as it then stands. */
export async function awaitPaymentRun(
  deps: Deps,
  paymentId: number,
  runId: string,
  waitMs: number,
): Promise<{ done: boolean; result: ProcessResult; runStatus: DurableRunStatus }> {
  const run = await deps.workflows.waitFor(runId, waitMs);
  const done = isFinal(run.status);
  const [row] = await deps.db.sql.query<{ status: string; failure_code: string | null; next_retry_at: Date | null; settles_payment_id: number | null }>(
    'SELECT status, failure_code, next_retry_at, settles_payment_id FROM payments WHERE id = $1',
    [paymentId],
  );
  if (!row) throw new Error(`payment ${paymentId} disappeared`);
  const status = ['succeeded', 'refunded', 'partially_refunded'].includes(row.status) ? 'succeeded' : row.status === 'failed' ? 'failed' : 'pending';
  const result: ProcessResult = { runId, paymentId, status };
  if (status === 'failed' && row.failure_code) result.failureCode = row.failure_code;
  if (status === 'failed' && row.next_retry_at) result.retryScheduledAt = row.next_retry_at.toISOString();
  if (row.settles_payment_id !== null) result.settlesPaymentId = row.settles_payment_id;
  if (!done) result.statusUrl = `/api/v1/payments/${paymentId}`;
  return { done, result, runStatus: run.status };
}

export async function processPayment(
  deps: Deps,
  caller: Caller,
  actor: AuditActor,
  body: ProcessBody,
  options: { idempotencyKey?: string | undefined; waitMs?: number } = {},
): Promise<{ done: boolean; result: ProcessResult; runStatus: DurableRunStatus }> {
  const { parentId, paymentMethodId } = await checkRequest(deps, caller, body);
  const { settlesPaymentId, ...charge } = body;
  const key = options.idempotencyKey ? `api:${caller.userId}:${options.idempotencyKey}` : null;
  const saved = await deps.db.sql.transaction(async (tx) => {
    if (key) {
      const [existing] = await tx.query<Existing>('SELECT id, student_id, amount_cents, description, workflow_run_id FROM payments WHERE idempotency_key = $1', [key]);
      if (existing) {
        if (existing.student_id !== body.studentId || existing.amount_cents !== body.amountCents || existing.description !== body.description) {
          throw conflict('This Idempotency-Key was used for a different payment');
        }
        return { id: existing.id, created: false };
      }
    }
    const debtId = await debtToSettle(tx, { parentId, amountCents: body.amountCents, settlesPaymentId, lessonId: body.lessonId });
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO payments (parent_id, student_id, lesson_id, amount_cents, currency, description, gateway, gateway_payment_method_id, idempotency_key, settles_payment_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [parentId, body.studentId, body.lessonId ?? null, body.amountCents, body.currency, body.description, deps.gateway.name, paymentMethodId, key, debtId ?? null],
    );
    await recordAudit(tx, actor, { action: 'create', entity: 'payment', entityId: row!.id, after: { ...body, paymentMethodId, parentId, settlesPaymentId: debtId ?? null } });
    if (debtId !== undefined) await claimDebt(tx, debtId, row!.id, actor, { settleNow: false });
    return { id: row!.id, created: true };
  });
  const event: PaymentEvent = { ...charge, paymentMethodId, paymentId: saved.id, attempt: 1 };
  let runId: string;
  try {
    ({ runId } = await deps.workflows.start(PAYMENT_WORKFLOW, event, { idempotencyKey: attemptRunKey(saved.id, 1) }));
  } catch (error) {
    if (error instanceof EventValidationError) throw new AppError('validation_failed', error.message);
    // The payment stays pending; the payment-retries cron starts its run later (same run key).
    throw new AppError('unavailable', 'The payment was saved but could not be started; it will be processed shortly', { paymentId: saved.id });
  }
  await deps.db.sql.query('UPDATE payments SET workflow_run_id = $2 WHERE id = $1 AND workflow_run_id IS NULL', [saved.id, runId]);
  return awaitPaymentRun(deps, saved.id, runId, options.waitMs ?? PROCESS_WAIT_MS);
}
