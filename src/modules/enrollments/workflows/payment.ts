/**
 * `payment`: a gateway customer for the parent and, with a payment token, the card attached as
 * the default. As the brief says, a failure here does not stop the enrollment: after the retries
 * (or at once when the gateway refused the request) it is recorded on the row
 * (`payment_setup = failed`, flag `payment_setup_failed`) and the enrollment goes on.
 * Customer and card go through the payments module (billing_customers, saved_payment_methods), so
 * later payments find them. The gateway cannot delete a customer: compensation keeps it and says so
 * on the row (the local billing rows of an account the enrollment created go with that account).
 * The gateway calls carry idempotency keys (a re-run repeats them harmlessly); the outcome is written
 * to the row in `ctx.transaction`, whose recorded result a re-run returns.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { paymentSetupOutcomes } from '../../../db/schema/enrollments.js';
import { defineNode, PermanentError, type TaskContext } from '../../../engine/index.js';
import { ensureCustomer, savePaymentMethod } from '../../payments/customers.js';
import { GatewayRequestError } from '../../payments/gateway/types.js';
import { checkpointFault, committedFault, SERVICE_RETRY, systemActor, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { noted, notedError, readEnrollment, submissionOf, updateEnrollment } from './row.js';
import type { FamilyOutput } from './family.js';
import { customerKept } from './undo.js';

export const paymentOutput = z.object({
  outcome: z.enum(paymentSetupOutcomes),
  customerId: z.string().nullable(),
  paymentMethodId: z.string().nullable(),
  error: z.string().nullable(),
});
export type PaymentOutput = z.infer<typeof paymentOutput>;

export const PAYMENT_SETUP_FAILED = 'payment_setup_failed';

export function paymentNode(deps: NodeDeps) {
  const { db, gateway } = deps.services;
  const billing = { db, gateway };
  return defineNode<EnrollmentEvent, PaymentOutput>({
    id: 'payment',
    description: 'Gateway customer and payment method; a failure is recorded (flag payment_setup_failed) and the enrollment goes on',
    retry: SERVICE_RETRY,
    timeoutMs: 20_000,
    output: paymentOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const id = ctx.event.enrollmentId;
      const parentId = ctx.output<FamilyOutput>('family')?.parentId;
      if (parentId === undefined) throw new PermanentError(`enrollment ${id} has no parent for payment setup`);
      // A re-run after the commit finds the token gone from the submission: the recorded result is returned anyway.
      const sub = submissionOf(await readEnrollment(db.orm, id));
      let customerId: string | null = null;
      let paymentMethodId: string | null = null;
      let error: string | null = null;
      try {
        // The family's customer at the gateway (one per parent: a family that enrolled before keeps its own).
        customerId = await ensureCustomer(billing, parentId);
        if (sub.paymentToken) {
          const method = await savePaymentMethod(
            billing,
            { parentId, paymentMethod: sub.paymentToken, makeDefault: true, idempotencyKey: `enrollment:${id}:payment-method` },
            systemActor(id),
          );
          paymentMethodId = method.id;
        }
      } catch (cause) {
        const refused = cause instanceof GatewayRequestError;
        if (!refused && ctx.attempt < SERVICE_RETRY.maxAttempts) throw cause; // the gateway did not answer: try again
        error = `Payment setup failed: ${cause instanceof Error ? cause.message : String(cause)}`;
      }
      const outcome = error !== null ? 'failed' : paymentMethodId !== null ? 'complete' : 'no_payment_method';
      const result: PaymentOutput = { outcome, customerId, paymentMethodId, error };
      const recorded = await ctx.transaction(async ({ orm }) => {
        await updateEnrollment(orm, id, {
          paymentSetup: outcome,
          gatewayCustomerId: customerId,
          paymentMethodId,
          submission: sql`submission - 'paymentToken'`, // the token is not kept once used
          ...(error !== null ? noted(PAYMENT_SETUP_FAILED, error) : {}),
        });
        await checkpointFault(deps, 'payment', id);
        return result;
      });
      await committedFault(deps, 'payment', id);
      return recorded;
    },
    // The note is added once however often this runs.
    compensate: (ctx: TaskContext<EnrollmentEvent>, output: PaymentOutput) => {
      const { customerId } = output;
      if (customerId === null) return null;
      return ctx.transaction(async ({ orm }) => {
        await updateEnrollment(orm, ctx.event.enrollmentId, { errors: notedError(customerKept(customerId)) });
        return null;
      });
    },
  });
}
