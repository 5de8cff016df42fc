import { sql } from 'drizzle-orm';
import { bigint, boolean, char, index, integer, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { identityId, timestamps, tstz } from './columns.js';
import { payments, paymentGateways } from './payments.js';
import { students } from './students.js';
import { users } from './users.js';
import { workflowRuns } from './workflows.js';

// Billing tables of migrations/0007_billing.sql (the SQL is the source of truth: checks, the
// ledger's append-only trigger and the row-level security policies live only there).

export const subscriptionStatuses = ['incomplete', 'active', 'trialing', 'past_due', 'unpaid', 'canceled'] as const;
export const billingIntervals = ['month', 'term'] as const;
export const invoiceStatuses = ['draft', 'open', 'paid', 'uncollectible', 'void'] as const;
export const ledgerKinds = ['payment', 'refund'] as const;
export const attemptStatuses = ['processing', 'succeeded', 'failed'] as const;
export const webhookEventStatuses = ['processing', 'processed', 'failed'] as const;

/** The gateway customer of a paying parent, one per gateway. */
export const billingCustomers = pgTable(
  'billing_customers',
  {
    id: identityId(),
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'no action' }),
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    gatewayCustomerId: text('gateway_customer_id').notNull().unique('billing_customers_gateway_customer_id_key'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [unique('billing_customers_parent_gateway_key').on(t.parentId, t.gateway)],
);

/** A card saved by a family at the gateway (brand, last four digits, expiry; never the number). */
export const savedPaymentMethods = pgTable(
  'saved_payment_methods',
  {
    id: identityId(),
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'no action' }),
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    gatewayPaymentMethodId: text('gateway_payment_method_id').notNull().unique('saved_payment_methods_gateway_payment_method_id_key'),
    brand: text('brand').notNull(),
    last4: text('last4').notNull(),
    expMonth: integer('exp_month').notNull(),
    expYear: integer('exp_year').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    ...timestamps(),
  },
  (t) => [index('saved_payment_methods_parent_idx').on(t.parentId), uniqueIndex('saved_payment_methods_default_key').on(t.parentId, t.gateway).where(sql`is_default`)],
);

/** A student's lesson subscription (lessons per period × lesson rate, monthly or per term). */
export const lessonSubscriptions = pgTable(
  'lesson_subscriptions',
  {
    id: identityId(),
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'no action' }),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id, { onDelete: 'no action' }),
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    gatewaySubscriptionId: text('gateway_subscription_id').unique('lesson_subscriptions_gateway_subscription_id_key'),
    status: text('status', { enum: subscriptionStatuses }).notNull().default('incomplete'),
    billingInterval: text('billing_interval', { enum: billingIntervals }).notNull(),
    lessonsPerPeriod: integer('lessons_per_period').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: char('currency', { length: 3 }).notNull().default('CAD'),
    currentPeriodStart: tstz('current_period_start'),
    currentPeriodEnd: tstz('current_period_end'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    canceledAt: tstz('canceled_at'),
    lastEventAt: tstz('last_event_at'),
    ...timestamps(),
  },
  (t) => [index('lesson_subscriptions_parent_idx').on(t.parentId), uniqueIndex('lesson_subscriptions_student_live_key').on(t.studentId).where(sql`status <> 'canceled'`)],
);

/** A subscription invoice as the gateway reports it. */
export const invoices = pgTable(
  'invoices',
  {
    id: identityId(),
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'no action' }),
    subscriptionId: integer('subscription_id').references(() => lessonSubscriptions.id, { onDelete: 'set null' }),
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    gatewayInvoiceId: text('gateway_invoice_id').notNull().unique('invoices_gateway_invoice_id_key'),
    gatewayPaymentIntentId: text('gateway_payment_intent_id'),
    status: text('status', { enum: invoiceStatuses }).notNull(),
    amountDueCents: integer('amount_due_cents').notNull(),
    amountPaidCents: integer('amount_paid_cents').notNull().default(0),
    currency: char('currency', { length: 3 }).notNull().default('CAD'),
    periodStart: tstz('period_start'),
    periodEnd: tstz('period_end'),
    attemptCount: integer('attempt_count').notNull().default(0),
    failureCode: text('failure_code'),
    paidAt: tstz('paid_at'),
    lastEventAt: tstz('last_event_at'),
    ...timestamps(),
  },
  (t) => [index('invoices_parent_idx').on(t.parentId, t.createdAt.desc())],
);

/** The money ledger (append-only): payments received (+) and refunds paid back (−), in cents. */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'no action' }),
    paymentId: integer('payment_id').references(() => payments.id, { onDelete: 'no action' }),
    invoiceId: integer('invoice_id').references(() => invoices.id, { onDelete: 'no action' }),
    kind: text('kind', { enum: ledgerKinds }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: char('currency', { length: 3 }).notNull().default('CAD'),
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    gatewayObjectId: text('gateway_object_id').notNull(),
    entryKey: text('entry_key').notNull().unique('ledger_entries_entry_key_key'),
    description: text('description'),
    occurredAt: tstz('occurred_at').notNull(),
    recordedAt: tstz('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    index('ledger_entries_occurred_idx').on(t.occurredAt),
    index('ledger_entries_parent_idx').on(t.parentId),
    index('ledger_entries_payment_idx').on(t.paymentId).where(sql`payment_id IS NOT NULL`),
  ],
);

/** One charge attempt of a payment (the first one or a dunning retry). */
export const paymentAttempts = pgTable(
  'payment_attempts',
  {
    id: identityId(),
    paymentId: integer('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    workflowRunId: uuid('workflow_run_id').references(() => workflowRuns.id, { onDelete: 'set null' }),
    gatewayPaymentIntentId: text('gateway_payment_intent_id').unique('payment_attempts_gateway_payment_intent_id_key'),
    status: text('status', { enum: attemptStatuses }).notNull().default('processing'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    ...timestamps(),
  },
  (t) => [unique('payment_attempts_attempt_key').on(t.paymentId, t.attempt)],
);

/** A family needing the school's attention (dunning exhausted); open while cleared_at is NULL. */
export const familyFlags = pgTable(
  'family_flags',
  {
    id: identityId(),
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'no action' }),
    paymentId: integer('payment_id').references(() => payments.id, { onDelete: 'set null' }),
    reason: text('reason').notNull(),
    flaggedAt: tstz('flagged_at').notNull().defaultNow(),
    clearedAt: tstz('cleared_at'),
  },
  (t) => [uniqueIndex('family_flags_open_key').on(t.parentId).where(sql`cleared_at IS NULL`)],
);

/** Gateway webhook events seen, by event id (each processed once). */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    objectId: text('object_id'),
    eventCreated: tstz('event_created').notNull(),
    status: text('status', { enum: webhookEventStatuses }).notNull().default('processing'),
    attempts: integer('attempts').notNull().default(1),
    lastError: text('last_error'),
    receivedAt: tstz('received_at').notNull().defaultNow(),
    processedAt: tstz('processed_at'),
  },
  (t) => [index('webhook_events_object_idx').on(t.objectId)],
);

export type BillingCustomer = typeof billingCustomers.$inferSelect;
export type SavedPaymentMethod = typeof savedPaymentMethods.$inferSelect;
export type LessonSubscription = typeof lessonSubscriptions.$inferSelect;
export type Invoice = typeof invoices.$inferSelect;
export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type PaymentAttempt = typeof paymentAttempts.$inferSelect;
export type FamilyFlag = typeof familyFlags.$inferSelect;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
