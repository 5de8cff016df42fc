/**
 * The first half of the `payment` workflow: `prepare` (the payment row and its attempt, once, in
 * `ctx.transaction`; the family's customer and payment method) and `charge` (create and confirm the payment intent with the
 * node's idempotency key, so a retried or resumed node charges once).
 */
import { z } from 'zod';
import { defineNode, PermanentError, type TaskContext } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { recordAudit } from '../../audit/record.js';
import { defaultMethodOf, ensureCustomer, ownerOfMethod } from '../customers.js';
import { GatewayRequestError } from '../gateway/types.js';
import { workflowActor } from '../rules.js';
import type { PaymentEvent } from './event.js';

type Ctx = TaskContext<PaymentEvent>;

export const prepared = z.object({
  paymentId: z.number().int(),
  parentId: z.number().int(),
  attempt: z.number().int(),
  customerId: z.string().nullable(),
  paymentMethodId: z.string().nullable(),
  /** The gateway refused the customer or the method: the charge is not tried. */
  blocked: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type Prepared = z.infer<typeof prepared>;

/**
 * The payment of this run, claimed for attempt `e.attempt`, in one `ctx.transaction`: a node run
 * again gets the recorded result, so the row (and its audit entry) is created once. The event names
 * the payment (from the API or the retries), or the run creates it here.
 *
 * The claim takes the next attempt of an unpaid payment. Another run (a second retry of the same
 * attempt) finds nothing to claim. A failed payment is retried only while no other payment claimed
 * it to settle it (see settlement.ts: the settlement claims it with the mirror condition, so one of
 * the two wins), while it is not itself a failed settlement attempt, and, for the dunning schedule,
 * while its automatic retries are not cancelled.
 */
function claimPayment(services: SchoolServices, ctx: Ctx, parentId: number): Promise<{ paymentId: number; claimed: boolean }> {
  const e = ctx.event;
  const gateway = services.gateway.name;
  return ctx.transaction(async ({ sql }) => {
    let paymentId = e.paymentId;
    if (paymentId !== undefined) {
      const [row] = await sql.query<{ amount_cents: number; parent_id: number }>('SELECT amount_cents, parent_id FROM payments WHERE id = $1', [paymentId]);
      if (!row) throw new PermanentError(`payment ${paymentId} does not exist`);
      if (row.amount_cents !== e.amountCents || row.parent_id !== parentId) throw new PermanentError(`the event does not match payment ${paymentId}`);
    } else {
      const [row] = await sql.query<{ id: number }>(
        `INSERT INTO payments (parent_id, student_id, lesson_id, amount_cents, currency, description, gateway, gateway_payment_method_id, workflow_run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [parentId, e.studentId, e.lessonId ?? null, e.amountCents, e.currency, e.description, gateway, e.paymentMethodId, ctx.runId],
      );
      paymentId = row!.id;
      await recordAudit(sql, workflowActor(ctx.runId), { action: 'create', entity: 'payment', entityId: paymentId, after: e });
    }
    const claimed = await sql.query(
      `UPDATE payments SET status = 'processing', attempt_count = $2, workflow_run_id = $3, next_retry_at = NULL, gateway = $4
       WHERE id = $1 AND ((status = 'pending' AND attempt_count = $2 - 1)
                          OR (status = 'failed' AND attempt_count = $2 - 1 AND settled_by_payment_id IS NULL AND settles_payment_id IS NULL
                              AND (retries_cancelled_at IS NULL OR $5::boolean)))
       RETURNING id`,
      [paymentId, e.attempt, ctx.runId, gateway, e.manual === true],
    );
    if (claimed.length === 0) return { paymentId, claimed: false };
    await sql.query(
      `INSERT INTO payment_attempts (payment_id, attempt, workflow_run_id) VALUES ($1, $2, $3)
       ON CONFLICT (payment_id, attempt) DO UPDATE SET workflow_run_id = EXCLUDED.workflow_run_id`,
      [paymentId, e.attempt, ctx.runId],
    );
    return { paymentId, claimed: true };
  });
}

/**
 * Which method to charge: on a retry the family's current default (a card they updated since),
 * else the one asked for — a saved method of this family, or a token / one-off method charged as
 * it is (saving a card is the payment-methods route's job). Another family's method is refused.
 */
async function methodToCharge(services: SchoolServices, ctx: Ctx, parentId: number): Promise<string> {
  const { db, gateway } = services;
  const asked = ctx.event.paymentMethodId;
  const wanted = ctx.event.attempt > 1 ? ((await defaultMethodOf(db.sql, parentId, gateway.name)) ?? asked) : asked;
  const owner = await ownerOfMethod(db.sql, wanted);
  if (owner !== undefined && owner !== parentId) throw new GatewayRequestError('This payment method belongs to another family', 'payment_method_unexpected_state');
  return wanted;
}

export const prepareNode = (services: SchoolServices) =>
  defineNode<PaymentEvent, Prepared>({
    id: 'prepare',
    description: 'Payment row and attempt; the family’s gateway customer and payment method',
    retry: { maxAttempts: 4, initialDelayMs: 200, maxDelayMs: 5_000 },
    timeoutMs: 30_000,
    output: prepared,
    process: async (ctx) => {
      const { db } = services;
      const e = ctx.event;
      const [student] = await db.sql.query<{ parent_id: number }>('SELECT parent_id FROM students WHERE id = $1', [e.studentId]);
      if (!student) throw new PermanentError(`student ${e.studentId} does not exist`);
      if (e.lessonId !== undefined) {
        const [lesson] = await db.sql.query<{ student_id: number }>('SELECT student_id FROM lessons WHERE id = $1', [e.lessonId]);
        if (lesson?.student_id !== e.studentId) throw new PermanentError(`lesson ${e.lessonId} is not a lesson of student ${e.studentId}`);
      }
      const parentId = student.parent_id;
      const { paymentId, claimed } = await claimPayment(services, ctx, parentId);
      const base = { paymentId, parentId, attempt: e.attempt, customerId: null, paymentMethodId: null };
      if (!claimed) {
        ctx.stop(`payment ${paymentId} is paid, settled by another payment, no longer retried, or past attempt ${e.attempt}`);
        return { ...base, blocked: null };
      }
      try {
        const customerId = await ensureCustomer(services, parentId);
        const paymentMethodId = await methodToCharge(services, ctx, parentId);
        await db.sql.query('UPDATE payments SET gateway_customer_id = $2, gateway_payment_method_id = $3 WHERE id = $1', [paymentId, customerId, paymentMethodId]);
        return { ...base, customerId, paymentMethodId, blocked: null };
      } catch (error) {
        if (!(error instanceof GatewayRequestError)) throw error;
        return { ...base, blocked: { code: error.code, message: error.message } };
      }
    },
  });

export const charged = z.object({
  intentId: z.string().nullable(),
  status: z.string(),
  chargeId: z.string().nullable(),
  paymentMethodId: z.string().nullable(),
  amountCents: z.number().int(),
  currency: z.string(),
  failureCode: z.string().nullable(),
  failureMessage: z.string().nullable(),
  /** The gateway's time of the intent (ISO). */
  created: z.string(),
});
export type Charged = z.infer<typeof charged>;

export const chargeNode = (services: SchoolServices) =>
  defineNode<PaymentEvent, Charged>({
    id: 'charge',
    description: 'Create and confirm the payment intent (idempotency key: run + node)',
    retry: { maxAttempts: 5, initialDelayMs: 250, maxDelayMs: 8_000 },
    timeoutMs: 30_000,
    output: charged,
    process: async (ctx) => {
      const p = ctx.output<Prepared>('prepare');
      if (!p) throw new PermanentError('prepare has not run');
      const e = ctx.event;
      const refused = (code: string, message: string): Charged => ({
        intentId: null,
        status: 'requires_payment_method',
        chargeId: null,
        paymentMethodId: p.paymentMethodId,
        amountCents: e.amountCents,
        currency: e.currency,
        failureCode: code,
        failureMessage: message,
        created: new Date().toISOString(),
      });
      if (p.blocked || !p.customerId || !p.paymentMethodId) return refused(p.blocked?.code ?? 'payment_method_missing', p.blocked?.message ?? 'No payment method');
      try {
        const intent = await services.gateway.confirmPayment(
          {
            customerId: p.customerId,
            paymentMethodId: p.paymentMethodId,
            amountCents: e.amountCents,
            currency: e.currency,
            description: e.description,
            metadata: { paymentId: String(p.paymentId), attempt: String(p.attempt), runId: ctx.runId, parentId: String(p.parentId) },
          },
          { idempotencyKey: ctx.idempotencyKey },
        );
        await services.db.sql.query('UPDATE payment_attempts SET gateway_payment_intent_id = $3 WHERE payment_id = $1 AND attempt = $2 AND gateway_payment_intent_id IS NULL', [
          p.paymentId,
          p.attempt,
          intent.id,
        ]);
        return {
          intentId: intent.id,
          status: intent.status,
          chargeId: intent.chargeId,
          paymentMethodId: intent.paymentMethodId,
          amountCents: intent.amountCents,
          currency: intent.currency.toUpperCase(),
          failureCode: intent.status === 'succeeded' ? null : (intent.failureCode ?? 'payment_failed'),
          failureMessage: intent.failureMessage,
          created: intent.created.toISOString(),
        };
      } catch (error) {
        if (error instanceof GatewayRequestError) return refused(error.code, error.message);
        throw error;
      }
    },
  });
