/**
 * The `outbox-dispatch` workflow (cron, every minute): delivers outbox rows queued outside a
 * notification run (`run_id IS NULL`: password and set-password links from the auth module,
 * queued with `queueEmail` in the same transaction as their token). Rows are claimed with
 * FOR UPDATE SKIP LOCKED, so several workers never take the same row; a failed attempt is retried
 * by a later firing after a backoff (1, 4, 16, 60 min) and the row ends `failed` after
 * DISPATCH_MAX_ATTEMPTS. A row left `sending` by a dead worker for 5 minutes is tried again.
 */
import { z } from 'zod';
import { defineNode, defineWorkflow } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { attemptDelivery, DeliveryRetryError } from '../delivery.js';

export const OUTBOX_DISPATCH_WORKFLOW = 'outbox-dispatch';
export const DISPATCH_MAX_ATTEMPTS = 5;
const BATCH = 50;
const MAX_BATCHES = 10;

/** Delay before the next attempt after `attempts` failed ones: 1 min × 4^(attempts−1), at most 1 h. */
export const dispatchBackoffMs = (attempts: number): number => Math.min(3_600_000, 60_000 * 4 ** Math.max(0, attempts - 1));

const counts = z.object({ sent: z.number().int(), kept: z.number().int(), failed: z.number().int(), retrying: z.number().int() });

export function buildOutboxDispatchWorkflow(services: SchoolServices) {
  const sql = services.db.sql;

  const deliver = defineNode({
    id: 'deliver',
    description: 'Claims due outbox rows without a run and sends each through the configured transport',
    retry: { maxAttempts: 2, initialDelayMs: 1_000 },
    output: counts,
    process: async () => {
      const result = { sent: 0, kept: 0, failed: 0, retrying: 0 };
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        const due = await sql.query<{ id: number }>(
          `UPDATE outbox SET status = 'sending'
           WHERE id IN (
             SELECT id FROM outbox
             WHERE run_id IS NULL AND (
               (status IN ('pending', 'retrying') AND send_after <= now())
               OR (status = 'sending' AND updated_at < now() - interval '5 minutes'))
             ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING id`,
          [BATCH],
        );
        for (const { id } of due) {
          try {
            const outcome = await attemptDelivery(sql, services, id, { maxAttempts: DISPATCH_MAX_ATTEMPTS, retryAfterMs: dispatchBackoffMs });
            result[outcome.status] += 1;
          } catch (error) {
            if (!(error instanceof DeliveryRetryError)) throw error;
            result.retrying += 1;
          }
        }
        if (due.length < BATCH) break;
      }
      return result;
    },
  });

  return defineWorkflow({
    name: OUTBOX_DISPATCH_WORKFLOW,
    description: 'Delivers e-mail queued outside notification runs (password links) and retries it with backoff',
    event: z.object({ firedAt: z.string().optional() }),
    start: 'deliver',
    nodes: [{ node: deliver }],
  });
}
