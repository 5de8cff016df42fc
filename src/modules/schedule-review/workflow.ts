/**
 * The `schedule-review` workflow (every Monday at 05:00 in the school's zone, for that week, or
 * started by POST /api/v1/ai/schedule-review for a range): `figures` computes the review from the
 * schedule, `draft` has the AI task (or its rules drafter) write the summary and pick suggestions
 * from the closed list, `store` keeps the review (once per run), `mail` e-mails it to the school's
 * address (setting `school.email`), `approvals` puts each suggestion in the approvals inbox (kind
 * `schedule-suggestion`, all at once) and waits until each is approved (applied by the approve
 * request, approval.ts), rejected, or expired after a week (then a follow-up task). Nothing in the
 * schedule changes without an approval.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { runAiTaskInNode } from '../../ai/index.js';
import { defineNode, defineWorkflow, type TaskContext } from '../../engine/index.js';
import { awaitApprovals, type ApprovalOutcome } from '../approvals/await-approval.js';
import { sendNotification } from '../notifications/send.js';
import type { SchoolServices } from '../services.js';
import { schoolSettings } from '../settings/reader.js';
import { scheduleSuggestion, suggestionDraftOf, suggestionTitle, type SuggestionDraft } from './approval.js';
import { computeFigures } from './figures.js';
import { storeReview } from './store.js';
import { scheduleReviewTask, type ReviewDraft } from './task.js';
import type { ScheduleFigures } from './types.js';

export const SCHEDULE_REVIEW_WORKFLOW = 'schedule-review';
/** When the weekly review runs (cron, school's zone): Monday 05:00, reviewing Monday to Sunday. */
export const SCHEDULE_REVIEW_CRON = '0 5 * * 1';
/** Days a scheduled review covers, from the day it fires. */
const WEEK_DAYS = 7;
/** The approval label (and signal suffix) of suggestion `index` of a review. */
export const suggestionLabel = (index: number): string => `schedule-suggestion:${index}`;

const localDate = z.iso.date();
export const scheduleReviewEvent = z.object({
  /** First and last local date (inclusive); both absent → the week from the day the run fires. */
  from: localDate.optional(),
  to: localDate.optional(),
  firedAt: z.string().optional(),
});
type Event = z.infer<typeof scheduleReviewEvent>;
type Ctx = TaskContext<Event>;

export function buildScheduleReviewWorkflow(services: SchoolServices, now: () => number = Date.now) {
  const settings = () => schoolSettings(services.db, services.config).get();

  const figures = defineNode({
    id: 'figures',
    description: 'Utilisation per teacher, gaps, clashes with time off and closures, waitlist fits, and the closed list of moves and offers',
    retry: { maxAttempts: 3, initialDelayMs: 2_000 },
    process: async (ctx: Ctx): Promise<ScheduleFigures> => {
      const s = await settings();
      const firstDay = DateTime.fromMillis(ctx.event.firedAt ? Date.parse(ctx.event.firedAt) : now(), { zone: s.timezone }).toISODate() as string;
      const from = ctx.event.from ?? firstDay;
      const to =
        ctx.event.to ??
        (DateTime.fromISO(from)
          .plus({ days: WEEK_DAYS - 1 })
          .toISODate() as string);
      return computeFigures(services.db.sql, { from, to }, { zone: s.timezone, bufferMinutes: s.bufferMinutes, now: now() });
    },
  });

  const draft = defineNode({
    id: 'draft',
    description: 'The owner-facing summary and suggestions from the closed list: an AI provider, else the rules drafter',
    retry: { maxAttempts: 2, initialDelayMs: 2_000 },
    process: async (ctx: Ctx) => {
      const f = ctx.output(figures);
      if (!f) throw new Error('the figures step left nothing');
      return runAiTaskInNode(ctx as TaskContext<unknown>, services.ai, scheduleReviewTask(f), f);
    },
  });

  const store = defineNode({
    id: 'store',
    description: 'Keeps the review in schedule_reviews with every suggestion proposed',
    process: async (ctx: Ctx): Promise<{ reviewId: number }> => {
      const f = ctx.output(figures);
      const result = ctx.output(draft);
      if (!f || !result) throw new Error('the figures or the draft are missing');
      const output = result.output as ReviewDraft;
      const reviewId = await storeReview(services.db.sql, {
        runId: ctx.runId,
        figures: f,
        summary: output.summary,
        suggestions: output.suggestions,
        source: result.source,
        rulesReason: result.rulesReason,
        shared: result.shared,
      });
      return { reviewId };
    },
  });

  const mail = defineNode({
    id: 'mail',
    description: 'E-mails the review to the school’s address',
    process: async (ctx: Ctx): Promise<{ notificationRunId: string }> => {
      const stored = ctx.output(store);
      const result = ctx.output(draft);
      const f = ctx.output(figures);
      if (!stored || !result || !f) throw new Error('the review was not stored');
      const { school } = await settings();
      const output = result.output as ReviewDraft;
      const suggestions = output.suggestions.map((s, i) => `${i}. ${s.action.replace('_', ' ')}: ${s.reason}`).join('\n');
      const data = { reviewId: stored.reviewId, from: f.from, to: f.to, summary: output.summary, suggestions: suggestions || 'No suggestions.', source: result.source };
      const sent = await sendNotification(
        services.workflows,
        { email: school.email, name: school.name, template: 'schedule_review', data, channels: ['email'] },
        `schedule-review:${stored.reviewId}:owner`,
      );
      return { notificationRunId: sent.runId };
    },
  });

  const approvals = defineNode({
    id: 'approvals',
    description: 'Each suggestion waits in the approvals inbox (schedule-suggestion), in parallel; approving applies it; a week, then a follow-up task',
    process: async (ctx: Ctx): Promise<{ suggestions: ApprovalOutcome<SuggestionDraft>[] }> => {
      const stored = ctx.output(store);
      const result = ctx.output(draft);
      const f = ctx.output(figures);
      if (!stored || !result || !f) throw new Error('the review was not stored');
      const output = result.output as ReviewDraft;
      const requests = output.suggestions.map((s, index) => ({
        kind: scheduleSuggestion,
        title: suggestionTitle(f, s).slice(0, 200),
        draft: suggestionDraftOf(f, stored.reviewId, index, s),
        shared: result.shared,
        source: result.source,
        label: suggestionLabel(index),
      }));
      const outcomes = await awaitApprovals(ctx as TaskContext<unknown>, requests);
      return { suggestions: outcomes };
    },
  });

  return defineWorkflow({
    name: SCHEDULE_REVIEW_WORKFLOW,
    description:
      'Reviews a range of the schedule (utilisation, gaps, clashes, waitlist fits), drafts suggestions with AI or rules, stores and e-mails the review, and waits for each suggestion’s approval',
    event: scheduleReviewEvent,
    start: 'figures',
    nodes: [
      { node: figures, connections: ['draft'] },
      { node: draft, connections: ['store'] },
      { node: store, connections: ['mail'] },
      { node: mail, connections: ['approvals'] },
      { node: approvals },
    ],
  });
}
