/**
 * Contracts of the family billing routes: the billing overview of a paying parent, saving a
 * payment method, and starting / changing / cancelling a student's lesson subscription.
 */
import { z } from 'zod';
import { billingIntervals, invoiceStatuses, subscriptionStatuses } from './values.js';
import { id, paymentMethodRef } from './schemas.js';

export const paymentMethodView = z.object({
  id: z.string().describe('The gateway id (pm_…) to pay with'),
  brand: z.string(),
  last4: z.string(),
  expMonth: z.number().int(),
  expYear: z.number().int(),
  isDefault: z.boolean(),
  createdAt: z.string(),
});

export const subscriptionView = z.object({
  id: z.number().int(),
  studentId: z.number().int(),
  status: z.enum(subscriptionStatuses),
  interval: z.enum(billingIntervals),
  lessonsPerPeriod: z.number().int(),
  amountCents: z.number().int(),
  currency: z.string(),
  currentPeriodStart: z.string().nullable(),
  currentPeriodEnd: z.string().nullable(),
  cancelAtPeriodEnd: z.boolean(),
  canceledAt: z.string().nullable(),
  gatewaySubscriptionId: z.string().nullable(),
});
export type SubscriptionView = z.infer<typeof subscriptionView>;

export const invoiceView = z.object({
  id: z.number().int(),
  gatewayInvoiceId: z.string(),
  subscriptionId: z.number().int().nullable(),
  status: z.enum(invoiceStatuses),
  amountDueCents: z.number().int(),
  amountPaidCents: z.number().int(),
  currency: z.string(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  attemptCount: z.number().int(),
  paidAt: z.string().nullable(),
  createdAt: z.string(),
  /** Once paid: the receipt's number (R-000123). */
  receiptNumber: z.string().nullable(),
  /** The lessons the invoice charges (its lines, each at its price), from the calendar of its period. */
  lessons: z.array(z.object({ lessonId: z.number().int(), scheduledAt: z.string(), amountCents: z.number().int() })),
});

export const receiptView = z.object({
  /** The payment the receipt is for; null for a subscription invoice's receipt (then invoiceId). */
  paymentId: z.number().int().nullable(),
  invoiceId: z.number().int().nullable(),
  receiptNumber: z.string(),
  amountCents: z.number().int(),
  refundedCents: z.number().int(),
  currency: z.string(),
  description: z.string().nullable(),
  paidAt: z.string(),
});

export const billingView = z.object({
  parentId: z.number().int(),
  currency: z.string(),
  customerId: z.string().nullable(),
  balance: z.object({
    paidCents: z.number().int().describe('Received, from the ledger'),
    refundedCents: z.number().int().describe('Paid back, from the ledger'),
    netPaidCents: z.number().int(),
    outstandingCents: z.number().int().describe('Failed payments not yet recovered plus unpaid invoices'),
  }),
  flag: z.object({ reason: z.string(), flaggedAt: z.string(), paymentId: z.number().int().nullable() }).nullable(),
  paymentMethods: z.array(paymentMethodView),
  subscriptions: z.array(subscriptionView),
  invoices: z.array(invoiceView),
  receipts: z.array(receiptView),
});
export type BillingView = z.infer<typeof billingView>;

export const savePaymentMethodBody = z.object({
  paymentMethod: paymentMethodRef.describe('A payment method id (pm_…) or a token from the card form (tok_…, pm_card_visa in test mode)'),
  makeDefault: z.boolean().default(false),
});

/** Lessons planned per period: kept for the school's records; the amount is the calendar's (calendar-pricing.ts). */
const lessonsPerPeriod = z.number().int().min(1).max(40);
export const subscriptionBody = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('start'),
    studentId: id,
    interval: z.enum(billingIntervals).default('month'),
    lessonsPerPeriod: lessonsPerPeriod.optional().describe('Default 4 a month, 10 a term'),
    paymentMethodId: paymentMethodRef.optional().describe("Default: the family's default payment method"),
  }),
  z.object({
    action: z.literal('change'),
    studentId: id,
    interval: z.enum(billingIntervals).optional(),
    lessonsPerPeriod: lessonsPerPeriod.optional(),
  }),
  z.object({ action: z.literal('cancel'), studentId: id }),
]);
export type SubscriptionBody = z.infer<typeof subscriptionBody>;
