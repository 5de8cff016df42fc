import { sql } from 'drizzle-orm';
import { char, date, index, integer, pgTable, text, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { identityId, timestamps, tstz } from './columns.js';
import { lessons } from './lessons.js';
import { students } from './students.js';
import { users } from './users.js';
import { workflowRuns } from './workflows.js';

export const paymentStatuses = ['pending', 'processing', 'succeeded', 'failed', 'cancelled', 'refunded', 'partially_refunded'] as const;
export const paymentMethods = ['card', 'bank_transfer', 'cash', 'etransfer', 'cheque'] as const;
export const paymentGateways = ['stripe', 'simulated'] as const;

export type PaymentStatus = (typeof paymentStatuses)[number];
export type PaymentMethod = (typeof paymentMethods)[number];
export type PaymentGateway = (typeof paymentGateways)[number];

/** Money a parent paid (or tried to). 0 < amount_cents ≤ 50000; 0 ≤ refunded_cents ≤ amount_cents. */
export const payments = pgTable(
  'payments',
  {
    id: identityId(),
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'no action' }),
    studentId: integer('student_id').references(() => students.id, { onDelete: 'set null' }),
    lessonId: integer('lesson_id').references(() => lessons.id, { onDelete: 'set null' }),
    amountCents: integer('amount_cents').notNull(),
    /** ISO 4217, upper case. */
    currency: char('currency', { length: 3 }).notNull().default('CAD'),
    status: text('status', { enum: paymentStatuses }).notNull().default('pending'),
    method: text('method', { enum: paymentMethods }).notNull().default('card'),
    gateway: text('gateway', { enum: paymentGateways }),
    gatewayCustomerId: text('gateway_customer_id'),
    gatewayPaymentIntentId: text('gateway_payment_intent_id').unique('payments_gateway_payment_intent_id_key'),
    gatewayChargeId: text('gateway_charge_id'),
    idempotencyKey: text('idempotency_key').unique('payments_idempotency_key_key'),
    description: text('description'),
    failureCode: text('failure_code'),
    failureReason: text('failure_reason'),
    refundedCents: integer('refunded_cents').notNull().default(0),
    paidAt: tstz('paid_at'),
    workflowRunId: uuid('workflow_run_id').references(() => workflowRuns.id, { onDelete: 'set null' }),
    ...timestamps(),
    // Dunning (migrations/0007_billing.sql): charges tried, first failure, next planned retry, end of the schedule.
    gatewayPaymentMethodId: text('gateway_payment_method_id'),
    attemptCount: integer('attempt_count').notNull().default(0),
    firstFailedAt: tstz('first_failed_at'),
    nextRetryAt: tstz('next_retry_at'),
    dunningExhaustedAt: tstz('dunning_exhausted_at'),
    receiptNumber: text('receipt_number').unique('payments_receipt_number_key'),
    // Settlement and offline payments (migrations/0015_payment_settlement.sql): the failed payment this
    // one pays, the payment that claimed or paid this one, the end of automatic retries, and an offline
    // payment's day of receipt and reference.
    settlesPaymentId: integer('settles_payment_id').references((): AnyPgColumn => payments.id, { onDelete: 'no action' }),
    settledByPaymentId: integer('settled_by_payment_id').references((): AnyPgColumn => payments.id, { onDelete: 'no action' }),
    retriesCancelledAt: tstz('retries_cancelled_at'),
    receivedOn: date('received_on', { mode: 'string' }),
    reference: text('reference'),
  },
  (t) => [
    index('payments_parent_idx').on(t.parentId, t.createdAt.desc()),
    index('payments_student_idx').on(t.studentId),
    index('payments_lesson_idx').on(t.lessonId),
    index('payments_status_idx').on(t.status, t.createdAt),
    index('payments_workflow_run_idx').on(t.workflowRunId).where(sql`workflow_run_id IS NOT NULL`),
    index('payments_retry_due_idx').on(t.nextRetryAt).where(sql`next_retry_at IS NOT NULL`),
    index('payments_settled_by_idx').on(t.settledByPaymentId).where(sql`settled_by_payment_id IS NOT NULL`),
  ],
);

export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
