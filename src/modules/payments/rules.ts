/**
 * The school's payment rules in one place: money limits, the dunning schedule, which decline codes
 * are worth retrying, and the actors that write payments outside a request.
 */
import type { AuditActor } from '../audit/record.js';

/** A single payment is integer cents in [1, 50000]: at most 500.00 CAD. */
export const MIN_PAYMENT_CENTS = 1;
export const MAX_PAYMENT_CENTS = 50_000;
/** The only currency the school bills in. */
export const SCHOOL_CURRENCY: string = 'CAD';

/**
 * Dunning: after a declined charge the payment is tried again this many days after its FIRST
 * failure (1, 3 and 7 days), so 4 charges at most; after the last one fails the family is flagged.
 */
export const DUNNING_SCHEDULE_DAYS: readonly number[] = [1, 3, 7];
export const MAX_CHARGE_ATTEMPTS = DUNNING_SCHEDULE_DAYS.length + 1;
/**
 * Charges one payment may ever get: the dunning ones plus those asked for now
 * (POST /payments/{id}/retry), which also count as attempts of the schedule.
 */
export const MAX_CHARGES_PER_PAYMENT = 10;
const DAY_MS = 86_400_000;

/**
 * Failure codes a later retry cannot fix (the card is gone, wrong, needs the cardholder, or the
 * gateway refused the request itself): no retry is scheduled, the family is flagged at once.
 */
const FINAL_CODES = new Set([
  'authentication_required',
  'expired_card',
  'incorrect_number',
  'invalid_number',
  'invalid_cvc',
  'invalid_expiry_month',
  'invalid_expiry_year',
  'lost_card',
  'stolen_card',
  'pickup_card',
  'restricted_card',
  'revocation_of_authorization',
  'resource_missing',
  'payment_method_unexpected_state',
  'amount_too_small',
  'amount_too_large',
  'parameter_invalid_integer',
  'parameter_invalid_string',
  'parameter_missing',
  'idempotency_key_in_use',
]);

export const isRetryableFailure = (code: string | null): boolean => code === null || !FINAL_CODES.has(code);

/**
 * When attempt `attempt` (1-based) has failed: the instant of the next try, or null when the
 * schedule is exhausted (or the failure is final).
 */
export function nextRetryAt(firstFailedAt: Date, attempt: number, code: string | null): Date | null {
  if (!isRetryableFailure(code)) return null;
  const days = DUNNING_SCHEDULE_DAYS[attempt - 1];
  return days === undefined ? null : new Date(firstFailedAt.getTime() + days * DAY_MS);
}

/** The actor of audit rows written by workflows. */
export const workflowActor = (runId: string): AuditActor => ({ userId: null, role: 'system', requestId: `run:${runId}` });
/** The actor of audit rows written by gateway webhooks. */
export const webhookActor = (eventId: string): AuditActor => ({ userId: null, role: 'gateway', requestId: `event:${eventId}` });

/** "45.00 CAD" (for messages; amounts stay integer cents everywhere else). */
export const formatCents = (cents: number, currency: string = SCHOOL_CURRENCY): string =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')} ${currency}`;
