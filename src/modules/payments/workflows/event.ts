/**
 * The event of the `payment` workflow: the brief's PaymentEventSchema in cents. Amounts outside
 * 1…50000 cents are refused when the run is started (EventValidationError), before any node runs
 * and so before any gateway call.
 */
import { z } from 'zod';
import { MAX_CHARGES_PER_PAYMENT, MAX_PAYMENT_CENTS, MIN_PAYMENT_CENTS, SCHOOL_CURRENCY } from '../rules.js';

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
  /** Which charge of the payment this run makes: 1 first, 2… dunning retries or charges asked for now. */
  attempt: z.number().int().min(1).max(MAX_CHARGES_PER_PAYMENT).default(1),
  /**
   * A charge asked for now (POST /payments/{id}/retry) rather than by the dunning schedule: it runs
   * even when the payment's automatic retries were cancelled. Default false.
   */
  manual: z.boolean().optional(),
});
export type PaymentEvent = z.output<typeof paymentEvent>;

/**
 * The run idempotency key of one charge attempt of a payment. The first charge has one run, ever.
 * A retry (attempt ≥ 2) is also keyed by `version`, the payment row's `updated_at` in microseconds
 * when the retry was decided: every starter that saw the same state (cron firings, workers, a retry
 * request) gets the same run, while a run that found nothing to claim (a settlement or a
 * cancellation came first) cannot block a retry of that attempt once the payment is retriable again.
 * Either way the claim in `prepare` lets at most one run charge each attempt.
 */
export const attemptRunKey = (paymentId: number, attempt: number, version?: string): string =>
  version === undefined ? `payment:${paymentId}:attempt:${attempt}` : `payment:${paymentId}:attempt:${attempt}:v${version}`;

/** SQL: the payments row version that `attemptRunKey` takes (updated_at in microseconds, as text). */
export const PAYMENT_VERSION_SQL = `(extract(epoch FROM updated_at) * 1000000)::bigint::text`;
