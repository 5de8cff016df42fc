/**
 * The single hook point where a family's billing message starts the payment-issue workflow (the
 * AI-assisted workflow with human approval, src/modules/approvals/payment-issue): one run per
 * message (idempotency key `payment-issue:message:<messageId>`). Best effort: the message is
 * stored either way, and the office can start a run on demand (POST /api/v1/ai/payment-issues).
 */
import { startPaymentIssue } from '../approvals/payment-issue/start.js';
import type { SchoolServices } from '../services.js';

/** A message a parent wrote in a conversation whose topic is 'billing' (its first message or a reply). */
export interface BillingMessage {
  conversationId: number;
  messageId: number;
  /** The parent's user id. */
  parentId: number;
  /** The child the conversation is about, if any. */
  studentId: number | null;
}

/** Called once per billing message of a family, after the message is committed; answers the run started (null if it could not start). */
export async function onBillingMessage(services: SchoolServices, message: BillingMessage): Promise<{ runId: string } | null> {
  try {
    const { runId } = await startPaymentIssue(services.workflows, { messageId: message.messageId, trigger: 'billing_message' });
    return { runId };
  } catch {
    return null;
  }
}
