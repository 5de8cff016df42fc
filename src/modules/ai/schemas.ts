/** Schemas of GET /api/v1/ai/usage. */
import { z } from 'zod';
import { boundedDate } from '../../http/date-schemas.js';

export const usageQuery = z
  .object({
    from: boundedDate.optional().describe('First day of the period (YYYY-MM-DD, school time zone, inclusive). Default: the first day of this month'),
    to: boundedDate.optional().describe('Last day of the period (YYYY-MM-DD, school time zone, inclusive). Default: today'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.to >= q.from, { message: 'must not be before from', path: ['to'] });

const counts = {
  calls: z.number().int().describe('Calls made (for `rules`: drafts made)'),
  failed: z.number().int().describe('Calls without a usable answer (invalid output, timeout, rate limit, error)'),
  fallbacks: z.number().int().describe('Calls made because an earlier provider failed or the budget was spent'),
  repairs: z.number().int().describe('Repair attempts after an invalid answer'),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costMicrocents: z.number().int().describe('Exact cost in millionths of a cent (of the providers’ billing currency)'),
  costCents: z.number().int().describe('The cost rounded up to whole cents'),
};

export const usageReport = z.object({
  from: z.string().describe('First day (inclusive)'),
  to: z.string().describe('Last day (inclusive)'),
  timezone: z.string(),
  providers: z
    .array(z.object({ provider: z.string(), model: z.string(), ...counts, averageLatencyMs: z.number().int() }))
    .describe('Per provider and model; `rules` is the rules drafter'),
  totals: z.object(counts),
  budget: z.object({
    monthlyBudgetCents: z.number().int().nullable().describe('AI_MONTHLY_BUDGET_CENTS; null: no cap'),
    spentThisMonthMicrocents: z.number().int(),
    spentThisMonthCents: z.number().int(),
    reached: z.boolean().describe('Providers are skipped (the rules drafter answers) until the month ends'),
  }),
  configuredProviders: z.array(z.object({ provider: z.string(), model: z.string() })).describe('AI_PROVIDERS in the order they are tried; empty: the rules drafter only'),
});
