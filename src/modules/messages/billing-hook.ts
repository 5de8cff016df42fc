/**
 * The single hook point where a family's billing message will start the payment-issue workflow
 * (the AI-assisted workflow with human approval of issue 17, `POST /api/v1/ai/payment-issues
 * {messageId}`). That workflow does not exist yet, so today this starts nothing and answers null;
 * the conversation is stored with `topic: 'billing'` either way, so the workflow can also pick up
 * the messages written before it existed.
 */
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

/**
 * Called once per billing message of a family, after the message is committed. Issue 17 starts its
 * payment-issue run here (idempotency key `payment-issue:message:<messageId>`) and returns its id.
 * Today: no workflow to start, so null (nothing is created, nothing pretends to be).
 */
export async function onBillingMessage(_services: SchoolServices, _message: BillingMessage): Promise<{ runId: string } | null> {
  return null;
}
