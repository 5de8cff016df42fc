/**
 * Request and response contracts of the payment routes (API.md "Payments"). JSON is camelCase,
 * money integer cents, instants ISO 8601. Bad input answers 400 naming the field.
 */
import { z } from 'zod';
import { incomeKinds, paymentStatuses } from './values.js';
import { boundedDate, boundedInstant } from '../../http/date-schemas.js';
import { pageQuery } from '../../http/pagination.js';
import { MAX_PAYMENT_CENTS, MIN_PAYMENT_CENTS, SCHOOL_CURRENCY } from './rules.js';

export const id = z.coerce.number().int().min(1).max(2_147_483_647);
export const instant = boundedInstant;
/** Integer cents of one payment: 1 … 50000 (500.00 CAD). */
export const paymentCents = z.number().int('must be integer cents').min(MIN_PAYMENT_CENTS).max(MAX_PAYMENT_CENTS, 'must be at most 50000 cents (500.00 CAD)');
/** A payment method id or a test token: pm_…, tok_… (card_/src_ for older integrations). */
export const paymentMethodRef = z
  .string()
  .trim()
  .regex(/^(pm|tok|card|src)_[A-Za-z0-9_]{1,200}$/, 'must be a payment method id or token such as pm_card_visa');
export const currency = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => c === SCHOOL_CURRENCY, `must be ${SCHOOL_CURRENCY}`)
  .default(SCHOOL_CURRENCY);

export const processBody = z.object({
  studentId: id,
  amountCents: paymentCents,
  paymentMethodId: paymentMethodRef.optional().describe("Omit to charge the family's default card"),
  currency,
  description: z.string().trim().min(1).max(500),
  lessonId: id.optional().describe('The lesson paid for; a failed payment of the same lesson is settled by this one (its retries end)'),
  settlesPaymentId: id.optional().describe('A failed payment of this family that this one pays: its retries end, and it is settled once this one succeeds'),
});
export type ProcessBody = z.infer<typeof processBody>;

export const processHeaders = z.object({
  'idempotency-key': z.string().trim().min(1).max(200).optional().describe('Same key, same payment: a retried request never charges twice'),
});

export const processResult = z.object({
  runId: z.string(),
  paymentId: z.number().int(),
  status: z.enum(['succeeded', 'failed', 'pending']),
  failureCode: z.string().optional(),
  retryScheduledAt: z.string().optional(),
  /** The failed payment this one settles (named, or of the same lesson). */
  settlesPaymentId: z.number().int().optional(),
  /** Only when the workflow is still running (202). */
  statusUrl: z.string().optional(),
});
export type ProcessResult = z.infer<typeof processResult>;

export const paymentView = z.object({
  id: z.number().int(),
  parentId: z.number().int(),
  studentId: z.number().int().nullable(),
  lessonId: z.number().int().nullable(),
  amountCents: z.number().int(),
  currency: z.string(),
  status: z.enum(paymentStatuses),
  method: z.string(),
  description: z.string().nullable(),
  failureCode: z.string().nullable(),
  failureReason: z.string().nullable(),
  refundedCents: z.number().int(),
  attemptCount: z.number().int(),
  nextRetryAt: z.string().nullable(),
  dunningExhaustedAt: z.string().nullable(),
  receiptNumber: z.string().nullable(),
  paidAt: z.string().nullable(),
  runId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The failed payment this one pays (a settlement). */
  settlesPaymentId: z.number().int().nullable(),
  /** The payment that claimed this failed one to settle it (status still failed) or paid it (status cancelled). */
  settledByPaymentId: z.number().int().nullable(),
  /** No automatic retry of this payment will run any more (cancelled by an admin, or settled). */
  retriesCancelledAt: z.string().nullable(),
  /** Offline payments: the day the money was received (YYYY-MM-DD) and its cheque or transfer reference. */
  receivedOn: z.string().nullable(),
  reference: z.string().nullable(),
  /**
   * What the entry is: `payment` (a card payment), `offline` (cash, e-transfer, cheque) or
   * `subscription` (a subscription invoice; its `id` is the invoice's, as `invoiceId`).
   */
  kind: z.enum(incomeKinds),
  invoiceId: z.number().int().nullable(),
  /** A subscription invoice: the period it bills. */
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
});
export type PaymentView = z.infer<typeof paymentView>;

export const offlineResult = paymentView.extend({ receiptRunId: z.string().describe('The notification run that e-mails the receipt') });
export type OfflineResult = z.infer<typeof offlineResult>;

export const paymentListQuery = pageQuery.extend({
  kind: z.enum(incomeKinds).optional().describe('Only card payments, offline payments or subscription invoices'),
  studentId: id.optional(),
  parentId: id.optional().describe("Only this family's entries (the paying parent's user id)"),
  status: z.enum(paymentStatuses).optional(),
  from: instant.optional().describe('Entries created at or after this instant'),
  to: instant.optional().describe('Entries created before this instant'),
});
export type PaymentListQuery = z.infer<typeof paymentListQuery>;

/** How money paid outside the gateway came in. */
export const offlineMethods = ['cash', 'etransfer', 'cheque'] as const;
export type OfflineMethod = (typeof offlineMethods)[number];

export const offlineBody = z.object({
  parentId: id.describe('The paying parent'),
  studentId: id.optional().describe('A child of that parent, when the payment is for one'),
  amountCents: paymentCents,
  method: z.enum(offlineMethods),
  receivedOn: boundedDate.describe("The day the money was received (YYYY-MM-DD in the school's zone), not in the future"),
  reference: z.string().trim().min(1).max(200).optional().describe('Cheque number, e-transfer reference …'),
  settlesPaymentId: id.optional().describe('A failed payment of this family that this money pays: it is settled at once and its retries end'),
  description: z.string().trim().min(1).max(500).optional(),
});
export type OfflineBody = z.infer<typeof offlineBody>;

export const idParams = z.object({ id });
export const parentParams = z.object({ parentId: id });

export const refundBody = z
  .object({
    amountCents: paymentCents.optional().describe('Omit to refund everything not refunded yet'),
    reason: z.string().trim().min(1).max(500).optional().describe('Why the money is paid back (kept in the audit log)'),
  })
  .default({});
export const refundResult = z.object({
  paymentId: z.number().int(),
  refundId: z.string(),
  amountCents: z.number().int(),
  refundedCents: z.number().int(),
  status: z.enum(paymentStatuses),
});

export const reconciliationQuery = z
  .object({ from: instant.describe('Start of the period (inclusive)'), to: instant.describe('End of the period (exclusive)') })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000, { message: 'the period may span at most 400 days', path: ['to'] });

export const differenceKinds = ['missing_in_ledger', 'missing_at_gateway', 'amount_mismatch', 'currency_mismatch', 'status_mismatch'] as const;
export const difference = z.object({
  kind: z.enum(differenceKinds),
  object: z.enum(['payment', 'refund']),
  gatewayId: z.string(),
  paymentId: z.number().int().nullable(),
  parentId: z.number().int().nullable(),
  ledgerCents: z.number().int().nullable(),
  gatewayCents: z.number().int().nullable(),
  detail: z.string(),
});
export type Difference = z.infer<typeof difference>;
const totals = z.object({ paymentsCents: z.number().int(), refundsCents: z.number().int(), netCents: z.number().int(), payments: z.number().int(), refunds: z.number().int() });
export const reconciliationReport = z.object({
  from: z.string(),
  to: z.string(),
  gateway: z.string(),
  currency: z.string(),
  ledger: totals,
  gatewayTotals: totals,
  matched: z.number().int(),
  differences: z.array(difference),
});
export type ReconciliationReport = z.infer<typeof reconciliationReport>;

export const waiveLateFeeBody = z.object({ reason: z.string().trim().min(1).max(500).optional().describe('Why the fee is waived (kept in the audit log)') }).default({});
export const waiveLateFeeResult = z.object({
  lateFeeId: z.number().int(),
  paymentId: z.number().int().describe("The fee's payment"),
  status: z.enum(paymentStatuses).describe('cancelled (it was not paid) or refunded (it was, and is paid back)'),
  refundedCents: z.number().int(),
  waivedAt: z.string(),
});
