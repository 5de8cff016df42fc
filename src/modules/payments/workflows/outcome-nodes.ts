/**
 * The second half of the `payment` workflow: the router on the charge's result, then either
 * success (record in the ledger, mark the lesson paid, e-mail the receipt) or failure (record the
 * reason, plan the dunning retry or flag the family, tell the parent and the admins). Recording
 * is idempotent and shared with the webhooks; messages are keyed by the node, so each goes once.
 */
import { z } from 'zod';
import { defineNode, defineRouter, PermanentError } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { notifyAdmins } from '../../notifications/admin-alerts.js';
import { notifyUser } from '../notify.js';
import { recordPaymentFailed } from '../record-failure.js';
import { receiptNumberOf, recordPaymentSucceeded } from '../record-success.js';
import { formatCents, workflowActor } from '../rules.js';
import type { Charged, Prepared } from './charge-nodes.js';
import type { PaymentEvent } from './event.js';

const inputs = (ctx: { output<T>(id: string): T | undefined }): { p: Prepared; c: Charged } => {
  const p = ctx.output<Prepared>('prepare');
  const c = ctx.output<Charged>('charge');
  if (!p || !c) throw new PermanentError('prepare and charge must run first');
  return { p, c };
};

export const outcomeRouter = defineRouter<PaymentEvent>({
  id: 'outcome',
  description: 'Succeeded → record-success; anything else → record-failure',
  route: (ctx) => (inputs(ctx).c.status === 'succeeded' ? 'record-success' : 'record-failure'),
});

const succeeded = z.object({ receiptNumber: z.string().nullable(), paidAt: z.string().nullable(), status: z.string() });

export const recordSuccessNode = (services: SchoolServices) =>
  defineNode<PaymentEvent, z.infer<typeof succeeded>>({
    id: 'record-success',
    description: 'Ledger entry, payment succeeded, lesson paid (shared with the webhook; idempotent)',
    retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 },
    output: succeeded,
    process: async (ctx) => {
      const { p, c } = inputs(ctx);
      const result = await recordPaymentSucceeded(
        services.db.sql,
        {
          paymentId: p.paymentId,
          attempt: p.attempt,
          gateway: services.gateway.name,
          intentId: c.intentId!,
          chargeId: c.chargeId,
          paymentMethodId: c.paymentMethodId,
          amountCents: c.amountCents,
          currency: c.currency,
          created: new Date(c.created),
        },
        workflowActor(ctx.runId),
      );
      if (!result.payment) throw new PermanentError(`payment ${p.paymentId} disappeared`);
      return { receiptNumber: result.payment.receipt_number, paidAt: result.payment.paid_at?.toISOString() ?? null, status: result.payment.status };
    },
  });

export const sendReceiptNode = (services: SchoolServices) =>
  defineNode<PaymentEvent, { notificationRunId: string }>({
    id: 'send-receipt',
    description: 'E-mail the receipt to the parent',
    retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 },
    process: async (ctx) => {
      const { p, c } = inputs(ctx);
      const paidAt = ctx.output<z.infer<typeof succeeded>>('record-success')?.paidAt ?? c.created;
      const receiptNumber = ctx.output<z.infer<typeof succeeded>>('record-success')?.receiptNumber ?? receiptNumberOf(p.paymentId);
      const data = { amountCents: c.amountCents, currency: c.currency, description: ctx.event.description, paymentId: p.paymentId, paidAt, receiptNumber };
      return { notificationRunId: await notifyUser(services, p.parentId, 'payment_receipt', data, ctx.idempotencyKey) };
    },
  });

const failed = z.object({
  failureCode: z.string(),
  nextRetryAt: z.string().nullable(),
  exhausted: z.boolean(),
  superseded: z.boolean(),
  /** Retries were cancelled, or the payment was an attempt to settle another one (absent in older runs). */
  retriesEnded: z.boolean().optional(),
});
type Failed = z.infer<typeof failed>;

export const recordFailureNode = (services: SchoolServices) =>
  defineNode<PaymentEvent, Failed>({
    id: 'record-failure',
    description: 'Record the reason; plan the next dunning retry (1, 3, 7 days) or flag the family',
    retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 },
    output: failed,
    process: async (ctx) => {
      const { p, c } = inputs(ctx);
      const failureCode = c.failureCode ?? 'payment_failed';
      const outcome = await recordPaymentFailed(
        services.db.sql,
        { paymentId: p.paymentId, attempt: p.attempt, intentId: c.intentId, failureCode, failureMessage: c.failureMessage, failedAt: new Date(c.created) },
        workflowActor(ctx.runId),
      );
      if (!outcome) throw new PermanentError(`payment ${p.paymentId} disappeared`);
      return {
        failureCode,
        nextRetryAt: outcome.nextRetryAt?.toISOString() ?? null,
        exhausted: outcome.exhausted,
        superseded: outcome.superseded,
        retriesEnded: outcome.retriesEnded,
      };
    },
  });

export const notifyFailureNode = (services: SchoolServices) =>
  defineNode<PaymentEvent, { parentRunId: string | null; adminRunIds: string[] }>({
    id: 'notify-failure',
    description: 'Tell the parent (payment_failed) and the admins (admin_alert)',
    retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 },
    process: async (ctx) => {
      const { p, c } = inputs(ctx);
      const f = ctx.output<Failed>('record-failure');
      if (!f || f.superseded) return { parentRunId: null, adminRunIds: [] };
      const e = ctx.event;
      const reason = c.failureMessage ?? f.failureCode;
      const parentRunId = await notifyUser(
        services,
        p.parentId,
        'payment_failed',
        { amountCents: e.amountCents, currency: e.currency, description: e.description, failureReason: reason, retryAt: f.nextRetryAt },
        `${ctx.idempotencyKey}:parent`,
      );
      const plan = f.nextRetryAt
        ? `Next try: ${f.nextRetryAt}.`
        : f.retriesEnded
          ? 'No automatic retry will follow (retries cancelled, or an attempt to settle another payment, which keeps its own schedule).'
          : 'No retry will follow: the family is flagged for follow-up.';
      const adminRunIds = await notifyAdmins(
        services,
        {
          title: f.exhausted ? `Payment ${p.paymentId} failed for good` : `Payment ${p.paymentId} failed`,
          message: `Charge ${p.attempt} of payment ${p.paymentId} (${formatCents(e.amountCents, e.currency)}, ${e.description}) for parent ${p.parentId} failed: ${f.failureCode}. ${plan}`,
        },
        ctx.idempotencyKey,
        { parentId: p.parentId, studentId: e.studentId },
      );
      return { parentRunId, adminRunIds };
    },
  });
