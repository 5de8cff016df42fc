/**
 * The AI task of payment-issue resolution: from the family's case (gather.ts) it classifies the
 * issue, drafts a reply to the parent and proposes resolutions from a closed list. Only first
 * names, amounts, dates, the card's state (never its number, brand or expiry) and the family's
 * own words leave the machine; the rules drafter answers with the same shape when no provider
 * can (or may) be asked. The draft is then the approval kind `payment_issue.reply`.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { defineAiTask } from '../../../ai/index.js';
import { defineApprovalKind } from '../kinds.js';

/** What a draft may propose, and nothing else (a model told to "refund everything" is refused by the schema). */
export const resolutionKinds = ['retry_on_date', 'card_update_link', 'split_into_instalments', 'waive_late_fee', 'call_family'] as const;
export type ResolutionKind = (typeof resolutionKinds)[number];
export const issueCategories = ['card_expired', 'insufficient_funds', 'card_declined', 'billing_question', 'dispute', 'other'] as const;

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const resolution = z.object({
  kind: z.enum(resolutionKinds),
  /** retry_on_date: the day to charge again (school zone); otherwise null. */
  date: localDate.nullable(),
  /** A short note for the office (why, how much per instalment …). */
  note: z.string().max(500).nullable(),
});
export type Resolution = z.infer<typeof resolution>;

export const paymentIssueDraft = z
  .object({
    category: z.enum(issueCategories),
    /** One or two sentences for the office. */
    summary: z.string().trim().min(1).max(500),
    /** The reply to the parent, plain text, sent on approval. */
    reply: z.string().trim().min(1).max(4000),
    resolutions: z.array(resolution).max(5),
  })
  .superRefine((draft, issues) => {
    draft.resolutions.forEach((r, index) => {
      if (r.kind === 'retry_on_date' && (r.date === null || !DateTime.fromISO(r.date).isValid)) {
        issues.addIssue({ code: 'custom', path: ['resolutions', index, 'date'], message: 'retry_on_date needs an existing date YYYY-MM-DD' });
      }
    });
  });
export type PaymentIssueDraft = z.infer<typeof paymentIssueDraft>;

export const cardStates = ['none', 'expired', 'expiring_soon', 'valid'] as const;

/** What the office knows of the case (private parts stay here: only `share` leaves the machine). */
export const paymentIssueInput = z.object({
  parent: z.object({ id: z.number().int(), firstName: z.string(), lastName: z.string() }),
  studentFirstNames: z.array(z.string()),
  /** The payment the case is about (a failed one), if any. */
  payment: z
    .object({
      id: z.number().int(),
      amountCents: z.number().int(),
      currency: z.string(),
      status: z.string(),
      failedOn: z.string().nullable(),
      failureCode: z.string().nullable(),
      attempts: z.number().int(),
      nextRetryOn: z.string().nullable(),
    })
    .nullable(),
  /** Everything the family owes now (failed, unsettled payments), in cents. */
  owedCents: z.number().int(),
  /** Unwaived late fees (their payments). */
  lateFees: z.array(z.object({ feePaymentId: z.number().int(), amountCents: z.number().int(), status: z.string() })),
  card: z.object({ state: z.enum(cardStates), brand: z.string().nullable(), last4: z.string().nullable() }),
  /** The parent's recent billing messages, newest first. */
  messages: z.array(z.object({ id: z.number().int(), writtenOn: z.string(), text: z.string() })),
  /** Today in the school's zone (YYYY-MM-DD): the rules drafter's dates count from it. */
  today: localDate,
});
export type PaymentIssueInput = z.infer<typeof paymentIssueInput>;

const money = (cents: number, currency: string): string => `${(cents / 100).toFixed(2)} ${currency}`;

function category(i: PaymentIssueInput): PaymentIssueDraft['category'] {
  const code = i.payment?.failureCode ?? null;
  if (code === 'expired_card' || (i.payment && i.card.state === 'expired')) return 'card_expired';
  if (code === 'insufficient_funds') return 'insufficient_funds';
  if (i.payment && i.payment.status === 'failed') return 'card_declined';
  return i.messages.length > 0 ? 'billing_question' : 'other';
}

/** The rules drafter: a plain, kind reply and the resolutions the school's usual practice suggests. */
export function rulesDraft(i: PaymentIssueInput): PaymentIssueDraft {
  const kind = category(i);
  const p = i.payment;
  const amount = p ? money(p.amountCents, p.currency) : money(i.owedCents, 'CAD');
  const children = i.studentFirstNames.length > 0 ? ` for ${i.studentFirstNames.join(' and ')}'s lessons` : '';
  const inAWeek = DateTime.fromISO(i.today).plus({ days: 7 }).toISODate() as string;
  const resolutions: Resolution[] = [];
  let body: string;
  if (kind === 'card_expired') {
    body = `the payment of ${amount}${children} did not go through because the card on file has expired. We are sending you a link to update it.`;
    resolutions.push({ kind: 'card_update_link', date: null, note: null });
  } else if (kind === 'insufficient_funds') {
    body = `the payment of ${amount}${children} did not go through. We will try again on ${inAWeek}; if another day suits you better, just reply.`;
    resolutions.push({ kind: 'retry_on_date', date: inAWeek, note: 'one week after today' });
  } else if (kind === 'card_declined') {
    body = `the payment of ${amount}${children} was declined by the bank. You can update your card with the link we are sending, or reply and we will find a solution together.`;
    resolutions.push({ kind: 'card_update_link', date: null, note: null });
  } else {
    body = `thank you for your message about your account. We will look into it and get back to you shortly.`;
    resolutions.push({ kind: 'call_family', date: null, note: 'answer the family’s billing question' });
  }
  const summary = p
    ? `Payment ${p.id} (${amount}) ${p.status}${p.failureCode ? ` (${p.failureCode})` : ''}; card ${i.card.state}; owed ${money(i.owedCents, p.currency)}.`
    : `Billing message from the family; card ${i.card.state}; owed ${money(i.owedCents, 'CAD')}.`;
  return { category: kind, summary, reply: `Hello ${i.parent.firstName},\n\n${body}`, resolutions };
}

export const paymentIssueTask = defineAiTask<PaymentIssueInput, PaymentIssueDraft>({
  name: 'payment_issue.triage',
  description: 'Classifies a family’s payment issue, drafts a reply and proposes resolutions from a closed list',
  input: paymentIssueInput,
  share: (i) => ({
    today: i.today,
    parentFirstName: i.parent.firstName,
    studentFirstNames: i.studentFirstNames,
    payment: i.payment
      ? {
          amountCents: i.payment.amountCents,
          currency: i.payment.currency,
          status: i.payment.status,
          failedOn: i.payment.failedOn,
          failureCode: i.payment.failureCode,
          attempts: i.payment.attempts,
          nextRetryOn: i.payment.nextRetryOn,
        }
      : null,
    owedCents: i.owedCents,
    lateFeesCents: i.lateFees.map((fee) => fee.amountCents),
    cardState: i.card.state,
    familyMessages: i.messages.map((m) => ({ writtenOn: m.writtenOn, text: m.text })),
  }),
  subjects: (i) => [i.parent.id],
  instructions: [
    'You help a small music school resolve a family’s payment issue.',
    'Classify the issue, summarise it for the office in one or two sentences, draft a short, kind reply to the parent (plain text, greeting by first name, no promises beyond the resolutions you propose),',
    'and propose zero to three resolutions, each one of: retry_on_date (with the date to charge again, YYYY-MM-DD, after today), card_update_link, split_into_instalments, waive_late_fee (only when there is a late fee), call_family.',
    'Nothing else can be proposed. A person at the school approves everything before anything is sent or done.',
  ].join(' '),
  output: paymentIssueDraft,
  draft: rulesDraft,
});

/** The approval of a payment-issue draft: approving sends the reply and applies the resolutions (apply.ts). */
export const paymentIssueReply = defineApprovalKind<PaymentIssueDraft>({
  kind: 'payment_issue.reply',
  description: 'A reply to a family about a payment issue, and the resolutions to apply (retry on a date, card-update link, instalments, late-fee waiver, a call)',
  schema: paymentIssueDraft,
  timeoutMs: 3 * 86_400_000,
});
