/**
 * The `payment-retries` workflow, run by cron every 15 minutes: starts the dunning retries that
 * fell due (one run per payment and attempt, whatever the number of workers or firings, thanks to
 * the run idempotency key), and the first run of any payment whose start was lost (the API
 * process died between saving the payment and starting its run). A payment another payment is
 * settling, or whose retries were cancelled, is not retried (and `prepare` checks again).
 */
import { z } from 'zod';
import { defineNode, defineWorkflow } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { attemptRunKey, PAYMENT_RETRIES_WORKFLOW, PAYMENT_VERSION_SQL, PAYMENT_WORKFLOW, type PaymentEvent } from './event.js';

export const PAYMENT_RETRIES_CRON = '*/15 * * * *';
const BATCH = 500;

const retriesEvent = z.object({ firedAt: z.string().optional() });

interface DueRow {
  id: number;
  student_id: number;
  lesson_id: number | null;
  amount_cents: number;
  currency: string;
  description: string | null;
  gateway_payment_method_id: string | null;
  attempt_count: number;
  version: string;
}

/** Starts the next run of every payment due for one. Returns the run ids started now. */
export async function startDueRetries(services: SchoolServices): Promise<{ started: string[]; due: number }> {
  const rows = await services.db.sql.query<DueRow>(
    `SELECT id, student_id, lesson_id, amount_cents, currency, description, gateway_payment_method_id, attempt_count,
       ${PAYMENT_VERSION_SQL} AS version
     FROM payments
     WHERE method = 'card' AND gateway IS NOT NULL AND student_id IS NOT NULL AND gateway_payment_method_id IS NOT NULL AND (
       (status = 'failed' AND next_retry_at <= now() AND settled_by_payment_id IS NULL AND retries_cancelled_at IS NULL)
       OR (status = 'pending' AND attempt_count = 0 AND created_at < now() - interval '2 minutes'))
     ORDER BY COALESCE(next_retry_at, created_at) LIMIT ${BATCH}`,
  );
  const started: string[] = [];
  for (const row of rows) {
    const attempt = row.attempt_count + 1;
    const event: PaymentEvent = {
      studentId: row.student_id,
      amountCents: row.amount_cents,
      paymentMethodId: row.gateway_payment_method_id!,
      currency: row.currency,
      description: row.description ?? `Payment ${row.id}`,
      ...(row.lesson_id !== null ? { lessonId: row.lesson_id } : {}),
      paymentId: row.id,
      attempt,
    };
    const key = attempt === 1 ? attemptRunKey(row.id, 1) : attemptRunKey(row.id, attempt, row.version);
    const { runId, created } = await services.workflows.start(PAYMENT_WORKFLOW, event, { idempotencyKey: key });
    if (created) started.push(runId);
  }
  return { started, due: rows.length };
}

export function paymentRetriesWorkflow(services: SchoolServices) {
  const startDue = defineNode<z.output<typeof retriesEvent>, { due: number; started: string[] }>({
    id: 'start-due-retries',
    description: 'Start the payment runs of due dunning retries (and of payments whose start was lost)',
    retry: { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 10_000 },
    process: () => startDueRetries(services),
  });
  return defineWorkflow({
    name: PAYMENT_RETRIES_WORKFLOW,
    description: 'Cron: start the dunning retries that fell due',
    event: retriesEvent,
    start: 'start-due-retries',
    nodes: [{ node: startDue }],
  });
}
