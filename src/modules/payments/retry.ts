/**
 * The office's hands on a failed payment's dunning:
 * - POST /api/v1/payments/{id}/retry (admin; a parent their own): charge it now on the family's
 *   default card, as the next attempt, through the `payment` workflow. Concurrent or repeated
 *   requests while that charge runs get the same run; a payment that is not failed, or that
 *   another payment settles, is refused (409).
 * - POST /api/v1/payments/{id}/cancel-retries (admin): no automatic retry will run any more; the
 *   debt stays owed (settle it with another payment, or charge it now with a retry request).
 */
import type { Caller } from '../auth/scoped.js';
import { AppError, conflict, notFound } from '../../http/errors.js';
import type { SchoolServices } from '../services.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { defaultMethodOf } from './customers.js';
import { awaitPaymentRun, PROCESS_WAIT_MS } from './process.js';
import { getPayment } from './read.js';
import { MAX_CHARGES_PER_PAYMENT } from './rules.js';
import type { PaymentView, ProcessResult } from './schemas.js';
import { unsettleableReason } from './settlement.js';
import { attemptRunKey, PAYMENT_VERSION_SQL, PAYMENT_WORKFLOW, type PaymentEvent } from './workflows/event.js';

type Deps = Pick<SchoolServices, 'db' | 'gateway' | 'workflows'>;

interface RetryRow {
  id: number;
  parent_id: number;
  student_id: number | null;
  lesson_id: number | null;
  amount_cents: number;
  currency: string;
  description: string | null;
  status: string;
  method: string;
  attempt_count: number;
  settled_by_payment_id: number | null;
  settles_payment_id: number | null;
  retries_cancelled_at: Date | null;
  workflow_run_id: string | null;
  version: string;
}

async function paymentFor(deps: Deps, caller: Caller, paymentId: number): Promise<RetryRow> {
  const [row] = await deps.db.sql.query<RetryRow>(
    `SELECT id, parent_id, student_id, lesson_id, amount_cents, currency, description, status, method, attempt_count,
       settled_by_payment_id, settles_payment_id, retries_cancelled_at, workflow_run_id, ${PAYMENT_VERSION_SQL} AS version
     FROM payments WHERE id = $1`,
    [paymentId],
  );
  // Another family's payment is "not found", as when reading it.
  if (!row || (caller.role !== 'admin' && row.parent_id !== caller.userId)) throw notFound('Payment');
  return row;
}

export async function retryPayment(
  deps: Deps,
  caller: Caller,
  actor: AuditActor,
  paymentId: number,
  options: { waitMs?: number } = {},
): Promise<{ done: boolean; result: ProcessResult }> {
  const waitMs = options.waitMs ?? PROCESS_WAIT_MS;
  const p = await paymentFor(deps, caller, paymentId);
  // A charge of it is running (asked for a moment ago, or a dunning retry): that one is the answer.
  if (p.status === 'processing' && p.workflow_run_id) return awaitPaymentRun(deps, p.id, p.workflow_run_id, waitMs);
  const refused = unsettleableReason(p);
  if (refused) throw refused;
  if (p.method !== 'card' || p.student_id === null) throw conflict(`Payment ${p.id} is not a card payment of a student; it cannot be charged again`);
  if (p.attempt_count >= MAX_CHARGES_PER_PAYMENT) {
    throw conflict(`Payment ${p.id} was charged ${p.attempt_count} times, the most allowed; record an offline payment or settle it with a new payment`);
  }
  const card = await defaultMethodOf(deps.db.sql, p.parent_id, deps.gateway.name);
  if (card === undefined) throw conflict(`The family has no default card: save one first (POST /api/v1/billing/${p.parent_id}/payment-methods)`);
  const attempt = p.attempt_count + 1;
  const event: PaymentEvent = {
    studentId: p.student_id,
    amountCents: p.amount_cents,
    paymentMethodId: card,
    currency: p.currency.trim(),
    description: p.description ?? `Payment ${p.id}`,
    ...(p.lesson_id !== null ? { lessonId: p.lesson_id } : {}),
    paymentId: p.id,
    attempt,
    manual: true,
  };
  let started: { runId: string; created: boolean };
  try {
    started = await deps.workflows.start(PAYMENT_WORKFLOW, event, { idempotencyKey: attemptRunKey(p.id, attempt, p.version) });
  } catch {
    throw new AppError('unavailable', 'The charge could not be started; try again (the same request will not charge twice)');
  }
  if (started.created) {
    await recordAudit(deps.db.sql, actor, {
      action: 'payment.retry_requested',
      entity: 'payment',
      entityId: p.id,
      after: { attempt, runId: started.runId, paymentMethodId: card },
    });
  }
  const outcome = await awaitPaymentRun(deps, p.id, started.runId, waitMs);
  if (outcome.runStatus === 'stopped') {
    // The run found nothing to charge: a settlement, a cancellation or another charge came first.
    const [now] = await deps.db.sql.query<Pick<RetryRow, 'id' | 'status' | 'settled_by_payment_id' | 'settles_payment_id'>>(
      'SELECT id, status, settled_by_payment_id, settles_payment_id FROM payments WHERE id = $1',
      [p.id],
    );
    throw (now && unsettleableReason(now)) ?? conflict(`Payment ${p.id} changed meanwhile; try again`);
  }
  return outcome;
}

export async function cancelRetries(deps: Pick<SchoolServices, 'db'>, caller: Caller, actor: AuditActor, paymentId: number): Promise<PaymentView> {
  await deps.db.sql.transaction(async (tx) => {
    const [row] = await tx.query<{ status: string; retries_cancelled_at: Date | null; next_retry_at: Date | null }>(
      'SELECT status, retries_cancelled_at, next_retry_at FROM payments WHERE id = $1 FOR UPDATE',
      [paymentId],
    );
    if (!row) throw notFound('Payment');
    if (row.status !== 'failed' && row.status !== 'processing') throw conflict(`Payment ${paymentId} has no retries to cancel: it is ${row.status}`);
    if (row.retries_cancelled_at !== null) return; // cancelled already: the same answer again
    // (a charge already running finishes; no further one is planned after it)
    await tx.query('UPDATE payments SET retries_cancelled_at = now(), next_retry_at = NULL WHERE id = $1', [paymentId]);
    await recordAudit(tx, actor, {
      action: 'payment.retries_cancelled',
      entity: 'payment',
      entityId: paymentId,
      before: { nextRetryAt: row.next_retry_at },
      after: { nextRetryAt: null, retriesCancelled: true },
    });
  });
  return getPayment(deps.db, caller, paymentId);
}
