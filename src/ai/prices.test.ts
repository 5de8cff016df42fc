import { describe, expect, it } from 'vitest';
import { centsOf, costMicrocents, isFree, priceOf } from './prices.js';

describe('AI prices', () => {
  it('prices a dated model by its listed prefix, in microcents', () => {
    expect(priceOf('openai', 'gpt-4o-mini-2024-07-18').model).toBe('gpt-4o-mini');
    expect(priceOf('openai', 'gpt-4o-2024-08-06').model).toBe('gpt-4o');
    expect(costMicrocents('openai', 'gpt-4o-mini', 1000, 500)).toBe(45_000);
    expect(costMicrocents('anthropic', 'claude-haiku-4-5-20251001', 2000, 100)).toBe(250_000);
  });

  it('prices an unknown model as its provider’s dearest, and a local model at nothing', () => {
    expect(priceOf('anthropic', 'claude-next').model).toBe('claude-opus-4');
    expect(isFree('compatible', 'llama-3.2-3b-instruct')).toBe(true);
    expect(isFree('openai', 'anything')).toBe(false);
  });

  it('rounds cents up for reports', () => {
    expect(centsOf(0)).toBe(0);
    expect(centsOf(1)).toBe(1);
    expect(centsOf(2_080_000)).toBe(3);
  });
});
