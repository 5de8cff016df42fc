/**
 * The values the payment tables allow: the lists of their CHECK constraints (migrations 0001, 0007
 * and 0015; the SQL is the source of truth, and values.test.ts compares these lists with it). The
 * payments module reads and writes its tables with SQL; these lists type and validate what it sends.
 */

/** payments.status */
export const paymentStatuses = ['pending', 'processing', 'succeeded', 'failed', 'cancelled', 'refunded', 'partially_refunded'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** payments.method: a card or bank transfer through a gateway, or money received offline. */
export const paymentMethods = ['card', 'bank_transfer', 'cash', 'etransfer', 'cheque'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

/**
 * The card processors: payments.gateway (NULL for money received outside one), and the gateway
 * of billing customers, saved payment methods, subscriptions and invoices.
 */
export const gatewayNames = ['stripe', 'simulated'] as const;
export type GatewayName = (typeof gatewayNames)[number];

/** ledger_entries.gateway: a card processor, or `offline` for cash, e-transfers and cheques. */
export const ledgerGateways = [...gatewayNames, 'offline'] as const;
export type LedgerGateway = (typeof ledgerGateways)[number];

/** The pseudo-gateway under which money received outside a card processor is booked. */
export const OFFLINE_GATEWAY = 'offline' satisfies LedgerGateway;

/** ledger_entries.kind: money in (+) or paid back (−). */
export const ledgerKinds = ['payment', 'refund'] as const;

/** lesson_subscriptions.status */
export const subscriptionStatuses = ['incomplete', 'active', 'trialing', 'past_due', 'unpaid', 'canceled'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];
/** lesson_subscriptions.billing_interval: `month` billed monthly, `term` once every 4 months (a term). */
export const billingIntervals = ['month', 'term'] as const;
export type BillingInterval = (typeof billingIntervals)[number];
/** invoices.status */
export const invoiceStatuses = ['draft', 'open', 'paid', 'uncollectible', 'void'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

/** The entries of the income list (GET /payments): card payments, offline payments, subscription invoices. */
export const incomeKinds = ['payment', 'offline', 'subscription'] as const;
export type IncomeKind = (typeof incomeKinds)[number];
