/**
 * Schedule reviews (admin): POST /api/v1/ai/schedule-review starts a review of a range (202
 * {runId}); GET /api/v1/reports/schedule-reviews[/{id}] reads them; POST
 * …/{id}/suggestions/{index}/apply and /reject act on one suggestion. Reads and decisions run as
 * the caller (row-level security).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { offsetOf, pageOf, pageQuery } from '../../http/pagination.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { asCallerSql } from '../payments/read.js';
import { errors, idParams, security } from '../records/common.js';
import type { SchoolServices } from '../services.js';
import { decideSuggestion } from './apply.js';
import { rejectBody, reviewRequest, reviewView, startedReview, suggestionParams, suggestionView, type ReviewView } from './schemas.js';
import { listReviews, readReview, type ReviewRow } from './store.js';
import { SCHEDULE_REVIEW_WORKFLOW } from './workflow.js';

const viewOf = (row: ReviewRow): ReviewView => ({
  id: row.id,
  from: row.range_from,
  to: row.range_to,
  figures: row.figures,
  summary: row.summary,
  suggestions: row.suggestions.map(({ claimedAt: _claimed, ...s }, index) => ({ ...s, index })),
  source: row.source,
  rulesReason: row.rules_reason,
  shared: row.shared,
  runId: row.run_id,
  createdAt: row.created_at.toISOString(),
});

export const scheduleReviewRoutes =
  (services: SchoolServices, now: () => number = Date.now): FastifyPluginAsyncZod =>
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
        const { rows, total } = await asCallerSql(services.db, callerOf(request), (sql) => listReviews(sql, { limit: pageSize, offset: offsetOf(request.query) }));
        return { data: rows.map(viewOf), page, pageSize, total };
      },
    );

    app.get(
      '/api/v1/reports/schedule-reviews/:id',
      {
        config: { access: ['admin'] },
        schema: { tags, security, summary: 'One schedule review: figures, summary, suggestions with their status', params: idParams, response: { 200: reviewView, ...errors } },
      },
      async (request) => viewOf(await asCallerSql(services.db, callerOf(request), (sql) => readReview(sql, request.params.id))),
    );

    app.post(
      '/api/v1/reports/schedule-reviews/:id/suggestions/:index/apply',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Apply a proposed suggestion through the domain’s rules; a refusal (e.g. a conflict) makes it failed with the reason',
          params: suggestionParams,
          response: { 200: suggestionView, ...errors },
        },
      },
      async (request) => decideSuggestion(services, callerOf(request), actorOf(request), { reviewId: request.params.id, index: request.params.index }, { kind: 'apply' }, now),
    );

    app.post(
      '/api/v1/reports/schedule-reviews/:id/suggestions/:index/reject',
      {
        config: { access: ['admin'] },
        schema: { tags, security, summary: 'Reject a proposed suggestion', params: suggestionParams, body: rejectBody, response: { 200: suggestionView, ...errors } },
      },
      async (request) =>
        decideSuggestion(
          services,
          callerOf(request),
          actorOf(request),
          { reviewId: request.params.id, index: request.params.index },
          { kind: 'reject', reason: request.body?.reason },
          now,
        ),
    );
  };
