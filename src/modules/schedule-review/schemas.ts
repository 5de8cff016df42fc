/** Schemas of the schedule review endpoints (API.md "AI-assisted workflows, approvals, tasks"). */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { boundedDate } from '../../http/date-schemas.js';
import { scheduleFigures, suggestion, suggestionStatuses } from './types.js';

/** Longest range one review may cover, in days (inclusive of both ends). */
export const MAX_REVIEW_DAYS = 92;

const daysIn = (from: string, to: string): number => DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days + 1;

export const reviewRequest = z
  .object({
    from: boundedDate.describe('First day reviewed (YYYY-MM-DD, school time zone)'),
    to: boundedDate.describe(`Last day reviewed (YYYY-MM-DD, school time zone, inclusive); at most ${MAX_REVIEW_DAYS} days after from`),
  })
  .superRefine((body, ctx) => {
    if (body.to < body.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (daysIn(body.from, body.to) > MAX_REVIEW_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may cover at most ${MAX_REVIEW_DAYS} days` });
  });

export const startedReview = z.object({ runId: z.string() });

export const suggestionView = suggestion.extend({
  index: z.number().int(),
  approvalId: z.number().int().nullable().describe('Its approval in /api/v1/approvals (kind schedule-suggestion); null until the run puts it there'),
  status: z.enum(suggestionStatuses).describe('proposed (not yet in the inbox), then its approval’s status'),
  outcome: z.string().nullable().describe('What approving did, or why it was rejected'),
  decidedAt: z.string().nullable(),
  decidedBy: z.number().int().nullable(),
});

export const reviewView = z.object({
  id: z.number().int(),
  from: z.string(),
  to: z.string(),
  figures: scheduleFigures,
  summary: z.string(),
  suggestions: z.array(suggestionView),
  source: z.string().describe('`ai:<provider>/<model>` or `rules`'),
  rulesReason: z.string().nullable(),
  shared: z.unknown().describe('What was sent to the provider, after redaction'),
  runId: z.string().nullable(),
  createdAt: z.string(),
});
export type ReviewView = z.infer<typeof reviewView>;
