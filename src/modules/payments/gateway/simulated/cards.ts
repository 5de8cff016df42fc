/**
 * Stripe's test payment methods and tokens, and how each behaves when attached and charged
 * (https://docs.stripe.com/testing). `pm_card_*` ids and `tok_*` tokens name the same cards.
 */

/** A card decline as Stripe reports it: error `code`, optional `decline_code`, message. */
export interface CardDecline {
  code: string;
  declineCode: string | null;
  message: string;
}

export interface TestCard {
  brand: 'visa' | 'mastercard' | 'amex';
  last4: string;
  funding: 'credit' | 'debit';
  /** Declined when charged; null when charges succeed. */
  decline: CardDecline | null;
  /** Stripe refuses to attach the declining test cards; 0341 (chargeCustomerFail) attaches. */
  attachable: boolean;
}

const declined = (code: string, declineCode: string | null, message: string): CardDecline => ({
  code,
  declineCode,
  message,
});
const genericDecline = declined('card_declined', 'generic_decline', 'Your card was declined.');

const good = (brand: TestCard['brand'], last4: string, funding: TestCard['funding'] = 'credit'): TestCard => ({
  brand,
  last4,
  funding,
  decline: null,
  attachable: true,
});
const bad = (last4: string, decline: CardDecline, attachable = false): TestCard => ({
  brand: 'visa',
  last4,
  funding: 'credit',
  decline,
  attachable,
});

/** Keyed by the name after `pm_card_` / `tok_`. */
const cards: Record<string, TestCard> = {
  visa: good('visa', '4242'),
  visa_debit: good('visa', '5556', 'debit'),
  mastercard: good('mastercard', '4444'),
  amex: good('amex', '8431'),
  chargeDeclined: bad('0002', genericDecline),
  chargeDeclinedInsufficientFunds: bad('9995', declined('card_declined', 'insufficient_funds', 'Your card has insufficient funds.')),
  chargeDeclinedExpiredCard: bad('0069', declined('expired_card', 'expired_card', 'Your card has expired.')),
  chargeDeclinedIncorrectCvc: bad('0127', declined('incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect.")),
  chargeDeclinedFraudulent: bad('0019', declined('card_declined', 'fraudulent', 'Your card was declined.')),
  chargeDeclinedProcessingError: bad('0119', declined('processing_error', 'processing_error', 'An error occurred while processing your card. Try again in a little bit.')),
  chargeCustomerFail: bad('0341', genericDecline, true),
};

/** The test card a `pm_card_…` id or `tok_…` token names, or undefined. */
export function testCard(reference: string): TestCard | undefined {
  const match = /^(?:pm_card_|tok_)(\w+)$/.exec(reference);
  return match?.[1] !== undefined ? cards[match[1]] : undefined;
}

/** Every test reference the simulated gateway knows (`pm_card_visa`, `tok_visa` …). */
export const testCardReferences = Object.keys(cards).flatMap((name) => [`pm_card_${name}`, `tok_${name}`]);

/** The decline of a card by its last four digits (a stored payment method keeps only those). */
export function declineOfLast4(last4: string): CardDecline | null {
  return Object.values(cards).find((card) => card.last4 === last4)?.decline ?? null;
}
