/**
 * Reads a family's payment case for the triage task: the payment (given, or the family's latest
 * failed one that is not a late fee), what the family owes, unwaived late fees, the default card's state and the
 * parent's recent billing messages. Background work: plain SQL as the workflow (no caller).
 */
import { DateTime } from 'luxon';
import type { SqlExecutor } from '../../../db/sql-client.js';
import { PermanentError } from '../../../engine/index.js';
import type { PaymentIssueInput } from './task.js';

/** What starts a case: a payment, a parent's billing message, or both. */
export interface CaseRef {
  paymentId?: number | undefined;
  messageId?: number | undefined;
}

const localDay = (column: string): string => `to_char((${column}) AT TIME ZONE $2, 'YYYY-MM-DD')`;

/** The parent a case is about: the payment's family, else the billing message's author. */
export async function parentOfCase(sql: SqlExecutor, ref: CaseRef): Promise<number | undefined> {
  if (ref.paymentId !== undefined) {
    const [p] = await sql.query<{ parent_id: number }>('SELECT parent_id FROM payments WHERE id = $1', [ref.paymentId]);
    return p?.parent_id;
  }
  if (ref.messageId !== undefined) {
    const [m] = await sql.query<{ parent_id: number }>(
      `SELECT c.parent_id FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.id = $1 AND c.topic = 'billing' AND m.author_role = 'parent' AND m.author_id = c.parent_id`,
      [ref.messageId],
    );
    return m?.parent_id;
  }
  return undefined;
}

export async function gatherCase(sql: SqlExecutor, ref: CaseRef, zone: string): Promise<PaymentIssueInput> {
  const parentId = await parentOfCase(sql, ref);
  if (parentId === undefined) throw new PermanentError('The case names no payment or billing message of a family');
  const [parent] = await sql.query<{ id: number; firstName: string; lastName: string }>('SELECT id, first_name AS "firstName", last_name AS "lastName" FROM users WHERE id = $1', [
    parentId,
  ]);
  const [payment] = await sql.query<NonNullable<PaymentIssueInput['payment']> & { studentId: number | null }>(
    `SELECT p.id, p.amount_cents AS "amountCents", btrim(p.currency) AS currency, p.status, p.failure_code AS "failureCode",
       p.attempt_count AS attempts, p.student_id AS "studentId", ${localDay('p.next_retry_at')} AS "nextRetryOn",
       ${localDay(`(SELECT min(a.updated_at) FROM payment_attempts a WHERE a.payment_id = p.id AND a.status = 'failed')`)} AS "failedOn"
     FROM payments p
     WHERE p.parent_id = $1 AND (p.id = $3 OR ($3::int IS NULL AND p.status = 'failed' AND p.settled_by_payment_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM late_fees f WHERE f.fee_payment_id = p.id)))
     ORDER BY p.id DESC LIMIT 1`,
    [parentId, zone, ref.paymentId ?? null],
  );
  const students = await sql.query<{ first_name: string }>(`SELECT first_name FROM students WHERE parent_id = $1 AND ($2::int IS NULL OR id = $2) AND is_active ORDER BY id`, [
    parentId,
    payment?.studentId ?? null,
  ]);
  const [owed] = await sql.query<{ cents: number }>(
    `SELECT coalesce(sum(amount_cents), 0)::int AS cents FROM payments WHERE parent_id = $1 AND status = 'failed' AND settled_by_payment_id IS NULL`,
    [parentId],
  );
  const lateFees = await sql.query<PaymentIssueInput['lateFees'][number]>(
    `SELECT f.fee_payment_id AS "feePaymentId", f.amount_cents AS "amountCents", p.status
     FROM late_fees f JOIN payments p ON p.id = f.fee_payment_id
     WHERE f.parent_id = $1 AND f.waived_at IS NULL AND p.status IN ('pending', 'failed', 'succeeded') ORDER BY f.id`,
    [parentId],
  );
  const [card] = await sql.query<{ brand: string; last4: string; exp_month: number; exp_year: number }>(
    'SELECT brand, last4, exp_month, exp_year FROM saved_payment_methods WHERE parent_id = $1 AND is_default ORDER BY id DESC LIMIT 1',
    [parentId],
  );
  const messages = await sql.query<PaymentIssueInput['messages'][number]>(
    `SELECT m.id, ${localDay('m.created_at')} AS "writtenOn", m.body AS text
     FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE c.parent_id = $1 AND c.topic = 'billing' AND m.author_role = 'parent' AND m.author_id = $1
       AND ($3::int IS NULL OR m.id <= $3)
     ORDER BY m.id DESC LIMIT 5`,
    [parentId, zone, ref.messageId ?? null],
  );
  const today = DateTime.now().setZone(zone);
  return {
    parent: parent!,
    studentFirstNames: students.map((s) => s.first_name),
    payment: payment ? { ...withoutStudent(payment) } : null,
    owedCents: owed?.cents ?? 0,
    lateFees,
    card: card ? { state: cardState(card.exp_year, card.exp_month, today), brand: card.brand, last4: card.last4 } : { state: 'none', brand: null, last4: null },
    messages,
    today: today.toISODate() as string,
  };
}

function withoutStudent<T extends { studentId: number | null }>(row: T): Omit<T, 'studentId'> {
  const { studentId: _studentId, ...rest } = row;
  return rest;
}

/** A card is valid through the last day of its expiry month. */
function cardState(year: number, month: number, today: DateTime): PaymentIssueInput['card']['state'] {
  const months = year * 12 + month - (today.year * 12 + today.month);
  if (months < 0) return 'expired';
  return months <= 1 ? 'expiring_soon' : 'valid';
}
