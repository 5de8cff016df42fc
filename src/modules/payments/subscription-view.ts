/** A lesson_subscriptions row and its API view. */
import type { SubscriptionView } from './billing-schemas.js';

export const subscriptionColumns = `id, parent_id, student_id, gateway_subscription_id, status, billing_interval, lessons_per_period, amount_cents,
  currency, current_period_start, current_period_end, cancel_at_period_end, canceled_at, updated_at`;

export interface SubscriptionRow {
  id: number;
  parent_id: number;
  student_id: number;
  gateway_subscription_id: string | null;
  status: SubscriptionView['status'];
  billing_interval: SubscriptionView['interval'];
  lessons_per_period: number;
  amount_cents: number;
  currency: string;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  updated_at: Date;
}

export function toSubscriptionView(r: SubscriptionRow): SubscriptionView {
  return {
    id: r.id,
    studentId: r.student_id,
    status: r.status,
    interval: r.billing_interval,
    lessonsPerPeriod: r.lessons_per_period,
    amountCents: r.amount_cents,
    currency: r.currency.trim(),
    currentPeriodStart: r.current_period_start?.toISOString() ?? null,
    currentPeriodEnd: r.current_period_end?.toISOString() ?? null,
    cancelAtPeriodEnd: r.cancel_at_period_end,
    canceledAt: r.canceled_at?.toISOString() ?? null,
    gatewaySubscriptionId: r.gateway_subscription_id,
  };
}
