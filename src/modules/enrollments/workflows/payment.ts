/**
 * `payment`: a gateway customer for the parent and, with a payment token, the card attached as
 * the default. As the brief says, a failure here does not stop the enrollment: after the retries
 * (or at once when the gateway refused the request) it is recorded on the row
 * (`payment_setup = failed`, flag `payment_setup_failed`) and the enrollment goes on.
 * Customer and card go through the payments module (billing_customers, saved_payment_methods), so
 * later payments find them. The gateway cannot delete a customer: compensation keeps it and says so
 * on the row (the local billing rows of an account the enrollment created go with that account).
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { paymentSetupOutcomes } from '../../../db/schema/enrollments.js';
import { defineNode, PermanentError, type TaskContext } from '../../../engine/index.js';
import { ensureCustomer, savePaymentMethod } from '../../payments/customers.js';
import { GatewayRequestError } from '../../payments/gateway/types.js';
import { checkpointFault, SERVICE_RETRY, systemActor, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { lockEnrollment, noted, readEnrollment, submissionOf, transaction, updateEnrollment, withNotes } from './row.js';
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
      const row = await readEnrollment(db.orm, id);
      if (row.paymentSetup !== null) {
        return { outcome: row.paymentSetup, customerId: row.gatewayCustomerId, paymentMethodId: row.paymentMethodId, error: null };
      }
      const sub = submissionOf(row);
      const parentId = ctx.output<FamilyOutput>('family')?.parentId ?? row.parentId;
      if (parentId === null) throw new PermanentError(`enrollment ${id} has no parent for payment setup`);
      let customerId = row.gatewayCustomerId;
      let paymentMethodId: string | null = null;
      let error: string | null = null;
      try {
        // The family's customer at the gateway (one per parent: a family that enrolled before keeps its own).
        customerId = await ensureCustomer(billing, parentId);
        // Recorded at once, so the row names it even if the card step fails for good.
        if (row.gatewayCustomerId !== customerId) await db.orm.execute(sql`UPDATE enrollments SET gateway_customer_id = ${customerId} WHERE id = ${id}`);
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
      await checkpointFault(deps, 'payment', id);
      await updateEnrollment(db.orm, id, {
        paymentSetup: outcome,
        gatewayCustomerId: customerId,
        paymentMethodId,
        submission: sql`submission - 'paymentToken'`, // the token is not kept once used
        ...(error !== null ? noted(PAYMENT_SETUP_FAILED, error) : {}),
      });
      return { outcome, customerId, paymentMethodId, error };
    },
    compensate: (ctx: TaskContext<EnrollmentEvent>) =>
      transaction(db, async (tx) => {
        const row = await lockEnrollment(tx, ctx.event.enrollmentId);
        if (row.gatewayCustomerId === null) return;
        await updateEnrollment(tx, row.id, withNotes(row, { errors: [customerKept(row.gatewayCustomerId)] }));
      }),
  });
}
