/**
 * A dunning retry on a chosen day (the payment-issue workflow's `retry_on_date`, once approved):
 * the failed payment's `next_retry_at` becomes 09:00 of that day in the school's zone, and the
 * `payment-retries` cron charges it then, as the next attempt, like any dunning retry. Refused
 * (409) for a payment that is not failed, is settled by another one, had its retries cancelled,
 * reached the most charges allowed, has no card to charge, or for a day before today.
 */
import { DateTime } from 'luxon';
import type { SqlClient } from '../../db/sql-client.js';
import { conflict, notFound } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { MAX_CHARGES_PER_PAYMENT } from './rules.js';

/** Local hour at which a retry on a chosen day is charged. */
export const RETRY_ON_DATE_HOUR = 9;

export async function scheduleRetryOn(sql: SqlClient, actor: AuditActor, paymentId: number, day: string, zone: string): Promise<{ nextRetryAt: string }> {
  const at = DateTime.fromISO(day, { zone }).set({ hour: RETRY_ON_DATE_HOUR });
  if (!at.isValid) throw conflict(`${day} is not a date`);
  if (at.startOf('day') < DateTime.now().setZone(zone).startOf('day')) throw conflict(`${day} is in the past`);
  return sql.transaction(async (tx) => {
    const [p] = await tx.query<{
      status: string;
      method: string;
      attempt_count: number;
      settled_by_payment_id: number | null;
      retries_cancelled_at: Date | null;
      gateway_payment_method_id: string | null;
      next_retry_at: Date | null;
    }>(
      `SELECT status, method, attempt_count, settled_by_payment_id, retries_cancelled_at, gateway_payment_method_id, next_retry_at
       FROM payments WHERE id = $1 FOR UPDATE`,
      [paymentId],
    );
    if (!p) throw notFound(`Payment ${paymentId}`);
    if (p.status !== 'failed') throw conflict(`Payment ${paymentId} is ${p.status}; only a failed payment is retried`);
    if (p.settled_by_payment_id !== null) throw conflict(`Payment ${paymentId} is settled by payment ${p.settled_by_payment_id}`);
    if (p.retries_cancelled_at !== null) throw conflict(`The retries of payment ${paymentId} were cancelled`);
    if (p.method !== 'card' || p.gateway_payment_method_id === null) throw conflict(`Payment ${paymentId} has no card to charge again`);
    if (p.attempt_count >= MAX_CHARGES_PER_PAYMENT) throw conflict(`Payment ${paymentId} was charged ${p.attempt_count} times, the most allowed`);
    const nextRetryAt = at.toJSDate();
    await tx.query('UPDATE payments SET next_retry_at = $2 WHERE id = $1', [paymentId, nextRetryAt]);
    await recordAudit(tx, actor, {
      action: 'payment.retry_scheduled',
      entity: 'payment',
      entityId: paymentId,
      before: { nextRetryAt: p.next_retry_at },
      after: { nextRetryAt },
    });
    return { nextRetryAt: nextRetryAt.toISOString() };
  });
}
