/**
 * Schedule reviews (admin): POST /api/v1/ai/schedule-review starts a review of a range (202
 * {runId}); GET /api/v1/reports/schedule-reviews[/{id}] reads them; POST
 * …/{id}/suggestions/{index}/apply and /reject act on one suggestion. Reads and decisions run as
 * the caller (row-level security).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { offsetOf, pageOf, pageQuery } from '../../http/pagination.js';
import { callerOf } from '../auth/caller.js';
import { asCallerSql } from '../payments/read.js';
import { errors, idParams, security } from '../records/common.js';
import type { SchoolServices } from '../services.js';
import { approvalSignal } from '../approvals/await-approval.js';
import { approvalsOfRun, type ApprovalRow } from '../approvals/store.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { scheduleSuggestion } from './approval.js';
import { reviewRequest, reviewView, startedReview, type ReviewView } from './schemas.js';
import { listReviews, readReview, type ReviewRow } from './store.js';
import { SCHEDULE_REVIEW_WORKFLOW, suggestionLabel } from './workflow.js';
import type { Suggestion } from './types.js';

type SuggestionView = ReviewView['suggestions'][number];

const suggestionViewOf = (s: Suggestion, index: number, approval: ApprovalRow | undefined): SuggestionView => ({
  action: s.action,
  lessonId: s.lessonId,
  toStartsAt: s.toStartsAt,
  enrollmentId: s.enrollmentId,
  teacherId: s.teacherId,
  startsAt: s.startsAt,
  reason: s.reason,
  index,
  approvalId: approval?.id ?? null,
  status: approval?.status ?? 'proposed',
  outcome: approval ? (approval.status === 'rejected' ? approval.reason : approval.outcome) : null,
  decidedAt: approval?.decidedAt ?? null,
  decidedBy: approval?.decidedBy ?? null,
});

/** The review with each suggestion's approval (matched by its label's signal). */
async function viewOf(sql: SqlExecutor, row: ReviewRow): Promise<ReviewView> {
  const approvals = row.run_id ? await approvalsOfRun(sql, row.run_id, scheduleSuggestion.kind) : [];
  const bySignal = new Map(approvals.map((a) => [a.signal, a]));
  return {
    id: row.id,
    from: row.range_from,
    to: row.range_to,
    figures: row.figures,
    summary: row.summary,
    suggestions: row.suggestions.map((s, index) => suggestionViewOf(s, index, bySignal.get(approvalSignal(suggestionLabel(index))))),
    source: row.source,
    rulesReason: row.rules_reason,
    shared: row.shared,
    runId: row.run_id,
    createdAt: row.created_at.toISOString(),
  };
}

export const scheduleReviewRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['ai'];
    app.post(
      '/api/v1/ai/schedule-review',
      {
        config: { access: ['admin'] },
        schema: { tags, security, summary: 'Start a schedule review of a range of dates (school time zone)', body: reviewRequest, response: { 202: startedReview, ...errors } },
      },
      async (request, reply) => {
        const { runId } = await services.workflows.start(SCHEDULE_REVIEW_WORKFLOW, { from: request.body.from, to: request.body.to });
        return reply.status(202).send({ runId });
      },
    );

    app.get(
      '/api/v1/reports/schedule-reviews',
      {
        config: { access: ['admin'] },
        schema: { tags, security, summary: 'Schedule reviews, newest first', querystring: pageQuery, response: { 200: pageOf(reviewView), ...errors } },
      },
      async (request) => {
        const { page, pageSize } = request.query;
        return asCallerSql(services.db, callerOf(request), async (sql) => {
          const { rows, total } = await listReviews(sql, { limit: pageSize, offset: offsetOf(request.query) });
          const data: ReviewView[] = [];
          for (const row of rows) data.push(await viewOf(sql, row));
          return { data, page, pageSize, total };
        });
      },
    );

    app.get(
      '/api/v1/reports/schedule-reviews/:id',
      {
        config: { access: ['admin'] },
        schema: { tags, security, summary: 'One schedule review: figures, summary, suggestions with their status', params: idParams, response: { 200: reviewView, ...errors } },
      },
      async (request) => asCallerSql(services.db, callerOf(request), async (sql) => viewOf(sql, await readReview(sql, request.params.id))),
    );
  };
