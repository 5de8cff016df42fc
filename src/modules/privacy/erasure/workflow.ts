/**
 * The `privacy-erasure` workflow, started when an erasure request is approved (event
 * `{requestId}`; one run per request):
 *
 *   cancel-lessons → end-billing → close-accounts → anonymise → finish
 *
 * One node per step, each idempotent, so a run resumed after a crash goes on where it stopped:
 * cancel-lessons cancels what is still scheduled (notices keyed per lesson); end-billing calls the
 * gateway with keys derived from the objects (a repeat is the same call); close-accounts,
 * anonymise and finish are `ctx.transaction`s (done once, or rolled back whole).
 */
import { z } from 'zod';
import { defineNode, defineWorkflow, PermanentError, type TaskContext } from '../../../engine/index.js';
import { AppError } from '../../../http/errors.js';
import { recordAudit, type AuditActor } from '../../audit/record.js';
import { cancelLesson } from '../../lessons/cancel.js';
import type { LessonDeps } from '../../lessons/deps.js';
import type { SchoolServices } from '../../services.js';
import { anonymiseFamily, erasedEmail, erasedLabel } from './anonymise.js';
import { closeFamilyAccounts } from './close.js';
import { PRIVACY_ERASURE_WORKFLOW } from './workflow-name.js';

export { PRIVACY_ERASURE_WORKFLOW };

const event = z.object({ requestId: z.number().int().positive() });
type Ctx = TaskContext<z.infer<typeof event>>;

const SYSTEM: AuditActor = { userId: null, role: 'system' };
/** How long cancel-lessons waits for each cancellation notice to be sent (ms), so the notices go out before the names are erased. */
const NOTICE_WAIT_MS = 30_000;

/** Test seam: called at the start of each node (throw to simulate a crash there). */
export interface ErasureFaults {
  beforeNode?: (nodeId: string, run: { runId: string; attempt: number }) => void | Promise<void>;
}

export function privacyErasureWorkflow(services: SchoolServices, faults: ErasureFaults = {}) {
  const sql = services.db.sql;
  const lessonDeps: LessonDeps = { db: services.db, config: services.config, now: Date.now, workflows: services.workflows };

  const parentOf = async (ctx: Ctx): Promise<number> => {
    const [row] = await sql.query<{ user_id: number; status: string }>('SELECT user_id, status FROM erasure_requests WHERE id = $1', [ctx.event.requestId]);
    if (!row) throw new PermanentError(`erasure request ${ctx.event.requestId} does not exist`);
    if (row.status !== 'approved' && row.status !== 'completed') throw new PermanentError(`erasure request ${ctx.event.requestId} is ${row.status}, not approved`);
    return row.user_id;
  };
  const seam = async (ctx: Ctx, nodeId: string): Promise<void> => {
    await faults.beforeNode?.(nodeId, { runId: ctx.runId, attempt: ctx.attempt });
  };

  const cancelLessons = defineNode({
    id: 'cancel-lessons',
    description: "Cancels the family's future lessons through the lessons module (the teachers get notices)",
    retry: { maxAttempts: 3 },
    process: async (ctx: Ctx): Promise<{ cancelled: number[] }> => {
      await seam(ctx, 'cancel-lessons');
      const parentId = await parentOf(ctx);
      const lessons = await sql.query<{ id: number }>(
        `SELECT l.id FROM lessons l JOIN students s ON s.id = l.student_id
         WHERE s.parent_id = $1 AND l.status = 'scheduled' AND l.scheduled_at > now() ORDER BY l.scheduled_at, l.id`,
        [parentId],
      );
      const cancelled: number[] = [];
      const runs: string[] = [];
      for (const { id } of lessons) {
        try {
          const done = await cancelLesson(lessonDeps, { userId: 0, role: 'admin' }, SYSTEM, id, { reason: 'The family left the school', initiatedBy: 'school' });
          cancelled.push(id);
          runs.push(...done.notices.flatMap((n) => (n.runId ? [n.runId] : [])));
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
        }
      }
      for (const runId of runs) await services.workflows.waitFor(runId, NOTICE_WAIT_MS);
      return { cancelled };
    },
  });

  const endBilling = defineNode({
    id: 'end-billing',
    description: 'Ends the subscriptions and the dunning retries, detaches the saved cards and redacts the customer at the gateway',
    retry: { maxAttempts: 4, initialDelayMs: 500 },
    process: async (ctx: Ctx): Promise<{ subscriptions: number; cards: number }> => {
      await seam(ctx, 'end-billing');
      const parentId = await parentOf(ctx);
      const gateway = services.gateway;
      const subs = await sql.query<{ id: number; gateway_subscription_id: string }>(
        `SELECT id, gateway_subscription_id FROM lesson_subscriptions WHERE parent_id = $1 AND status <> 'canceled' AND gateway = $2`,
        [parentId, gateway.name],
      );
      for (const sub of subs) {
        await gateway.cancelSubscription(sub.gateway_subscription_id, { idempotencyKey: `subscription:${sub.id}:cancel` });
        await sql.query(`UPDATE lesson_subscriptions SET status = 'canceled', canceled_at = COALESCE(canceled_at, now()) WHERE id = $1`, [sub.id]);
      }
      // The debts an admin chose to erase anyway stay in the books; nothing charges them again.
      await sql.query('UPDATE payments SET retries_cancelled_at = COALESCE(retries_cancelled_at, now()), next_retry_at = NULL WHERE parent_id = $1 AND next_retry_at IS NOT NULL', [
        parentId,
      ]);
      const cards = await sql.query<{ gateway_payment_method_id: string }>('SELECT gateway_payment_method_id FROM saved_payment_methods WHERE parent_id = $1 AND gateway = $2', [
        parentId,
        gateway.name,
      ]);
      for (const card of cards) {
        await gateway.detachPaymentMethod(card.gateway_payment_method_id, { idempotencyKey: `${ctx.idempotencyKey}:detach:${card.gateway_payment_method_id}` });
        await sql.query('DELETE FROM saved_payment_methods WHERE gateway_payment_method_id = $1', [card.gateway_payment_method_id]);
      }
      const customers = await sql.query<{ gateway_customer_id: string }>('SELECT gateway_customer_id FROM billing_customers WHERE parent_id = $1 AND gateway = $2', [
        parentId,
        gateway.name,
      ]);
      for (const customer of customers) {
        await gateway.redactCustomer(
          customer.gateway_customer_id,
          { name: erasedLabel(ctx.event.requestId), email: erasedEmail(parentId) },
          { idempotencyKey: `${ctx.idempotencyKey}:redact:${customer.gateway_customer_id}` },
        );
      }
      return { subscriptions: subs.length, cards: cards.length };
    },
  });

  const closeAccounts = defineNode({
    id: 'close-accounts',
    description: 'Closes the accounts: parent inactive, sessions and refresh tokens revoked, students inactive',
    process: async (ctx: Ctx): Promise<{ students: number }> => {
      await seam(ctx, 'close-accounts');
      const parentId = await parentOf(ctx);
      return ctx.transaction((tx) => closeFamilyAccounts(tx.sql, parentId));
    },
  });

  const anonymise = defineNode({
    id: 'anonymise',
    description: 'Anonymises the personal data everywhere it lives; financial records keep their amounts',
    process: async (ctx: Ctx): Promise<{ label: string; students: number }> => {
      await seam(ctx, 'anonymise');
      const parentId = await parentOf(ctx);
      const done = await ctx.transaction((tx) => anonymiseFamily(tx.sql, { parentId, requestId: ctx.event.requestId }));
      return { label: done.label, students: done.studentIds.length };
    },
  });

  const finish = defineNode({
    id: 'finish',
    description: 'Marks the request completed (audited)',
    process: async (ctx: Ctx): Promise<{ completed: true }> => {
      await seam(ctx, 'finish');
      await ctx.transaction(async (tx) => {
        await tx.sql.query(`UPDATE erasure_requests SET status = 'completed', completed_at = now(), updated_at = now() WHERE id = $1 AND status = 'approved'`, [
          ctx.event.requestId,
        ]);
        await recordAudit(tx.sql, SYSTEM, { action: 'erasure.completed', entity: 'erasure_request', entityId: ctx.event.requestId, after: { status: 'completed' } });
        return true;
      });
      return { completed: true };
    },
  });

  return defineWorkflow({
    name: PRIVACY_ERASURE_WORKFLOW,
    description: "Erases a family's personal data: lessons cancelled, billing ended, accounts closed, data anonymised",
    event,
    start: 'cancel-lessons',
    nodes: [
      { node: cancelLessons, connections: ['end-billing'] },
      { node: endBilling, connections: ['close-accounts'] },
      { node: closeAccounts, connections: ['anonymise'] },
      { node: anonymise, connections: ['finish'] },
      { node: finish },
    ],
  });
}
