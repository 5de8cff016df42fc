import type { paths } from '../../../api/schema';

/** One entry of the income list (`GET /payments`): a card payment, offline money or a subscription invoice. */
export type Payment = paths['/api/v1/payments']['get']['responses'][200]['content']['application/json']['data'][number];
/** The list's filters as the API takes them. */
export type PaymentQuery = NonNullable<paths['/api/v1/payments']['get']['parameters']['query']>;
export type PaymentStatus = Payment['status'];
export type PaymentKind = Payment['kind'];

export const paymentStatuses: readonly PaymentStatus[] = ['pending', 'processing', 'succeeded', 'failed', 'cancelled', 'refunded', 'partially_refunded'];
export const paymentKinds: readonly PaymentKind[] = ['payment', 'offline', 'subscription'];

/**
 * A late fee is a payment the late-fee policy created; the server describes it "Late fee: …"
 * (src/modules/payments/late-fees.ts), and only such a payment may be waived.
 */
export const isLateFee = (payment: Pick<Payment, 'description' | 'kind'>): boolean => payment.kind === 'payment' && (payment.description ?? '').startsWith('Late fee:');

/** Query keys whose data a payment action changes. */
export const paymentKeys = [['payments'], ['payment'], ['reconciliation']] as const;
