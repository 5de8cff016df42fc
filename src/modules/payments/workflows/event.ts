/**
 * The event of the `payment` workflow: the brief's PaymentEventSchema in cents. Amounts outside
 * 1…50000 cents are refused when the run is started (EventValidationError), before any node runs
 * and so before any gateway call.
 */
import { z } from 'zod';
import { MAX_CHARGE_ATTEMPTS, MAX_PAYMENT_CENTS, MIN_PAYMENT_CENTS, SCHOOL_CURRENCY } from '../rules.js';

export const PAYMENT_WORKFLOW = 'payment';
export const PAYMENT_RETRIES_WORKFLOW = 'payment-retries';

export const paymentEvent = z.object({
  studentId: z.number().int().min(1),
  amountCents: z.number().int().min(MIN_PAYMENT_CENTS).max(MAX_PAYMENT_CENTS),
  /** A saved method (pm_…) or a token to attach first (tok_…, pm_card_visa in test mode). */
  paymentMethodId: z.string().trim().min(3).max(255),
  currency: z
    .string()
    .toUpperCase()
    .refine((c) => c === SCHOOL_CURRENCY, `must be ${SCHOOL_CURRENCY}`)
    .default(SCHOOL_CURRENCY),
  description: z.string().trim().min(1).max(500),
  lessonId: z.number().int().min(1).optional(),
  /** The payment row (given by the API and by dunning retries); absent → the run creates one. */
  paymentId: z.number().int().min(1).optional(),
  /** Which charge of the payment this run makes: 1 first, 2… dunning retries. */
  attempt: z.number().int().min(1).max(MAX_CHARGE_ATTEMPTS).default(1),
});
export type PaymentEvent = z.output<typeof paymentEvent>;

/** The run idempotency key of one charge attempt of a payment: one run per attempt, ever. */
export const attemptRunKey = (paymentId: number, attempt: number): string => `payment:${paymentId}:attempt:${attempt}`;
