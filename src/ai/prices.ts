/**
 * What a provider call costs. Prices are the providers' list prices in cents (of their billing
 * currency, US dollars) per million tokens, input and output. A model is matched by the longest
 * prefix of its id (`gpt-4o-mini-2024-07-18` is `gpt-4o-mini`); a model not listed is priced as
 * its provider's dearest listed model, so the monthly budget never under-counts. The compatible
 * provider (a model on the school's own machine) costs nothing.
 *
 * A call's cost is kept in millionths of a cent (microcents): tokens × cents per million tokens,
 * an integer for every price below with a whole or half number of cents.
 */
import type { AiProviderName } from '../config.js';

export interface ModelPrice {
  /** Model id prefix. */
  model: string;
  /** Cents per million input tokens. */
  inputCentsPerMillion: number;
  /** Cents per million output tokens. */
  outputCentsPerMillion: number;
}

/** List prices as of 2025 (cents per million tokens). Update when a provider changes them. */
export const modelPrices: Readonly<Record<Exclude<AiProviderName, 'compatible'>, readonly ModelPrice[]>> = {
  openai: [
    { model: 'gpt-4o-mini', inputCentsPerMillion: 15, outputCentsPerMillion: 60 },
    { model: 'gpt-4o', inputCentsPerMillion: 250, outputCentsPerMillion: 1000 },
    { model: 'gpt-4.1-nano', inputCentsPerMillion: 10, outputCentsPerMillion: 40 },
    { model: 'gpt-4.1-mini', inputCentsPerMillion: 40, outputCentsPerMillion: 160 },
    { model: 'gpt-4.1', inputCentsPerMillion: 200, outputCentsPerMillion: 800 },
    { model: 'gpt-5-nano', inputCentsPerMillion: 5, outputCentsPerMillion: 40 },
    { model: 'gpt-5-mini', inputCentsPerMillion: 25, outputCentsPerMillion: 200 },
    { model: 'gpt-5', inputCentsPerMillion: 125, outputCentsPerMillion: 1000 },
  ],
  anthropic: [
    { model: 'claude-3-5-haiku', inputCentsPerMillion: 80, outputCentsPerMillion: 400 },
    { model: 'claude-haiku-4-5', inputCentsPerMillion: 100, outputCentsPerMillion: 500 },
    { model: 'claude-sonnet-4', inputCentsPerMillion: 300, outputCentsPerMillion: 1500 },
    { model: 'claude-opus-4', inputCentsPerMillion: 1500, outputCentsPerMillion: 7500 },
  ],
};

/** The price of `model` at `provider` (zero for the compatible provider; the dearest listed for an unknown model). */
export function priceOf(provider: AiProviderName, model: string): ModelPrice {
  if (provider === 'compatible') return { model, inputCentsPerMillion: 0, outputCentsPerMillion: 0 };
  const table = modelPrices[provider];
  const matches = table.filter((price) => model.startsWith(price.model)).sort((a, b) => b.model.length - a.model.length);
  if (matches[0]) return matches[0];
  return table.reduce((dearest, price) => (price.outputCentsPerMillion > dearest.outputCentsPerMillion ? price : dearest));
}

/** Whether calls to `model` at `provider` cost nothing (they go on once the monthly budget is spent). */
export function isFree(provider: AiProviderName, model: string): boolean {
  const price = priceOf(provider, model);
  return price.inputCentsPerMillion === 0 && price.outputCentsPerMillion === 0;
}

/** Cost of one call in microcents (millionths of a cent), rounded to a whole microcent. */
export function costMicrocents(provider: AiProviderName, model: string, inputTokens: number, outputTokens: number): number {
  const price = priceOf(provider, model);
  return Math.round(inputTokens * price.inputCentsPerMillion + outputTokens * price.outputCentsPerMillion);
}

/** Microcents as whole cents, rounded up (a call that cost anything costs at least a cent in a report). */
export const centsOf = (microcents: number): number => Math.ceil(microcents / 1_000_000);
