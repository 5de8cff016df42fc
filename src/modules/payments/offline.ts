/**
 * POST /api/v1/payments/offline (admin): money received outside the gateway — cash, e-transfer,
 * cheque. One transaction records the payment (succeeded, with its receipt number), its entry in
 * the append-only ledger (pseudo-gateway `offline`, dated the day it was received, at the start of
 * that day in the school's zone), the audit row and, with `settlesPaymentId`, the settlement of
 * that failed payment (its retries end at once; a retry already charging it makes this a 409 and
 * records nothing). The receipt then goes out through the notification workflow. With an
 * Idempotency-Key header a repeated request returns the same payment and sends no second receipt.
 */
import { DateTime } from 'luxon';
import type { Caller } from '../auth/scoped.js';
import { AppError, conflict, validationFailed } from '../../http/errors.js';
import type { SchoolServices } from '../services.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { schoolSettings } from '../settings/reader.js';
import { notifyUser } from './notify.js';
import { getPayment } from './read.js';
import { receiptNumberOf } from './record-success.js';
import { SCHOOL_CURRENCY } from './rules.js';
import type { OfflineBody, OfflineMethod, OfflineResult } from './schemas.js';
import { OFFLINE_GATEWAY } from './values.js';
import { claimDebt, debtToSettle } from './settlement.js';

type Deps = Pick<SchoolServices, 'db' | 'workflows' | 'config'>;

const methodNames: Record<OfflineMethod, string> = { cash: 'cash', etransfer: 'e-transfer', cheque: 'cheque' };

/** Checks who pays and when; returns the instant the money counts as received. */
async function checkRequest(deps: Deps, body: OfflineBody): Promise<Date> {
  const sql = deps.db.sql;
  const [parent] = await sql.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [body.parentId]);
  if (parent?.role !== 'parent') throw validationFailed([{ field: 'body.parentId', message: 'is not a parent' }]);
  if (body.studentId !== undefined) {
    const [student] = await sql.query<{ parent_id: number }>('SELECT parent_id FROM students WHERE id = $1', [body.studentId]);
    if (student?.parent_id !== body.parentId) throw validationFailed([{ field: 'body.studentId', message: 'is not a child of this parent' }]);
  }
  const { timezone } = await schoolSettings(deps.db, deps.config).get();
  const day = DateTime.fromISO(body.receivedOn, { zone: timezone });
  if (!day.isValid) throw validationFailed([{ field: 'body.receivedOn', message: 'is not a calendar date' }]);
  if (body.receivedOn > DateTime.now().setZone(timezone).toISODate()!) throw validationFailed([{ field: 'body.receivedOn', message: 'must not be in the future' }]);
  return day.startOf('day').toJSDate();
}

export async function recordOfflinePayment(
  deps: Deps,
  caller: Caller,
  actor: AuditActor,
  body: OfflineBody,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<{ created: boolean; result: OfflineResult }> {
  const receivedAt = await checkRequest(deps, body);
  const key = options.idempotencyKey ? `offline:${caller.userId}:${options.idempotencyKey}` : null;
  const description = body.description ?? `Payment by ${methodNames[body.method]}${body.reference ? ` (${body.reference})` : ''}`;
  const saved = await deps.db.sql.transaction(async (tx) => {
    if (key) {
      const [existing] = await tx.query<{ id: number; parent_id: number; amount_cents: number; method: string }>(
        'SELECT id, parent_id, amount_cents, method FROM payments WHERE idempotency_key = $1',
        [key],
      );
      if (existing) {
        if (existing.parent_id !== body.parentId || existing.amount_cents !== body.amountCents || existing.method !== body.method) {
          throw conflict('This Idempotency-Key was used for a different payment');
        }
        return { id: existing.id, created: false };
      }
    }
    const debtId = await debtToSettle(tx, { parentId: body.parentId, amountCents: body.amountCents, settlesPaymentId: body.settlesPaymentId });
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO payments (parent_id, student_id, amount_cents, currency, status, method, description, paid_at, received_on, reference,
         settles_payment_id, idempotency_key)
       VALUES ($1, $2, $3, $4, 'succeeded', $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        body.parentId,
        body.studentId ?? null,
        body.amountCents,
        SCHOOL_CURRENCY,
        body.method,
        description,
        receivedAt,
        body.receivedOn,
        body.reference ?? null,
        debtId ?? null,
        key,
      ],
    );
    const id = row!.id;
    await tx.query('UPDATE payments SET receipt_number = $2 WHERE id = $1', [id, receiptNumberOf(id)]);
    await tx.query(
      `INSERT INTO ledger_entries (parent_id, payment_id, kind, amount_cents, currency, gateway, gateway_object_id, entry_key, description, occurred_at)
       VALUES ($1, $2, 'payment', $3, $4, $5, $6, $7, $8, $9)`,
      [body.parentId, id, body.amountCents, SCHOOL_CURRENCY, OFFLINE_GATEWAY, body.reference ?? `${body.method}:${id}`, `offline:${id}`, description, receivedAt],
    );
    await recordAudit(tx, actor, { action: 'create', entity: 'payment', entityId: id, after: { ...body, description, settlesPaymentId: debtId ?? null, offline: true } });
    if (debtId !== undefined) await claimDebt(tx, debtId, id, actor, { settleNow: true });
    return { id, created: true };
  });
  const payment = await getPayment(deps.db, caller, saved.id);
  let receiptRunId: string;
  try {
    const data = { amountCents: payment.amountCents, currency: payment.currency, description, paymentId: payment.id, paidAt: payment.paidAt, receiptNumber: payment.receiptNumber };
    receiptRunId = await notifyUser(deps, payment.parentId, 'payment_receipt', data, `offline:${payment.id}:receipt`);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('unavailable', `Payment ${payment.id} was recorded but its receipt could not be queued; repeat the request with the same Idempotency-Key to send it`, {
      paymentId: payment.id,
    });
  }
  return { created: saved.created, result: { ...payment, receiptRunId } };
}
