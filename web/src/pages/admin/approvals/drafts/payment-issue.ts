import { isRecord } from '../types';

/** The draft of kind `payment_issue.reply` (the server's schema is the authority; this is what the page shows). */
export interface PaymentIssueDraft {
  category: string;
  summary: string;
  reply: string;
  resolutions: { kind: string; date: string | null; note: string | null }[];
}

export const paymentIssueKind = 'payment_issue.reply';

export const issueCategories = ['card_expired', 'insufficient_funds', 'card_declined', 'billing_question', 'dispute', 'other'] as const;

/** What each proposed resolution does once approved, in the office's words. */
export const resolutionLabels: Record<string, string> = {
  retry_on_date: 'Charge the card again on a date',
  card_update_link: 'Send a link to update the card',
  split_into_instalments: 'Split the amount into instalments',
  waive_late_fee: 'Waive the late fee',
  call_family: 'Call the family',
};

/** The draft as a payment-issue draft, or null when it does not have that shape (then it is shown as JSON). */
export function asPaymentIssueDraft(draft: unknown): PaymentIssueDraft | null {
  if (!isRecord(draft)) return null;
  const { category, summary, reply, resolutions } = draft;
  if (typeof category !== 'string' || typeof summary !== 'string' || typeof reply !== 'string' || !Array.isArray(resolutions)) return null;
  const valid = resolutions.every(
    (r) => isRecord(r) && typeof r.kind === 'string' && (r.date === null || typeof r.date === 'string') && (r.note === null || typeof r.note === 'string'),
  );
  return valid ? (draft as unknown as PaymentIssueDraft) : null;
}
