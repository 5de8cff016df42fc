/**
 * Starting `payment-issue` runs: after a failed payment's dunning step (the `payment` workflow's
 * `payment-issue` node), from a parent's billing message (messages/billing-hook.ts), and on demand
 * (POST /api/v1/ai/payment-issues). One run per failed payment and one per billing message,
 * however often they are asked for (idempotency keys); the office may start more on demand.
 */
import type { WorkflowStarter } from '../../services.js';

export const PAYMENT_ISSUE_WORKFLOW = 'payment-issue';

export interface PaymentIssueStart {
  paymentId?: number;
  messageId?: number;
  trigger: 'payment_failed' | 'billing_message' | 'office';
}

/** The run's idempotency key for an automatic start (none for the office's: each request is a new run). */
export function paymentIssueKey(start: PaymentIssueStart): string | undefined {
  if (start.trigger === 'payment_failed' && start.paymentId !== undefined) return `payment-issue:payment:${start.paymentId}`;
  if (start.trigger === 'billing_message' && start.messageId !== undefined) return `payment-issue:message:${start.messageId}`;
  return undefined;
}

export async function startPaymentIssue(workflows: WorkflowStarter, start: PaymentIssueStart): Promise<{ runId: string; created: boolean }> {
  const key = paymentIssueKey(start);
  return workflows.start(PAYMENT_ISSUE_WORKFLOW, start, key ? { idempotencyKey: key } : {});
}
