import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { pageOf } from '../../http/pagination.js';
import type { SchoolServices } from '../services.js';
import { enrollmentAccepted, enrollmentBody, enrollmentIdParams, enrollmentListItem, enrollmentListQuery, enrollmentStatus, statusQuery, statusUrlOf } from './schemas.js';
import { EnrollmentService } from './service.js';
import { STATUS_LINK_TTL_DAYS, verifyStatusToken } from './status-link.js';
import { AppError } from '../../http/errors.js';

const tags = ['enrollments'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 429: errorResponse };

/**
 * Enrollment (API.md): the public form (202 + status URL, rate limited per client IP), the admin
 * form (waits for the workflow: 200 with its outcome, or 202 when it takes longer than 10 s), the
 * admin list, and the status (admin; the parent who enrolled). The same submission twice answers
 * with the first enrollment (200) instead of making a second student.
 */
export const enrollmentRoutes =
  (services: SchoolServices, options: { waitMs?: number } = {}): FastifyPluginAsyncZod =>
  async (app) => {
    const service = new EnrollmentService(services, options);

    app.post(
      '/api/v1/public/enrollments',
      {
        config: { access: 'public', rateLimit: { max: services.config.rateLimits.public, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Submit the enrollment form (no account needed): 202 with the status URL; 200 when the same submission was already accepted',
          body: enrollmentBody,
          response: { 200: enrollmentAccepted, 202: enrollmentAccepted, 400: errorResponse, 429: errorResponse },
        },
      },
      async (request, reply) => {
        const submitted = await service.submit(request.body, 'public', null);
        const statusUrl = statusUrlOf(submitted.enrollmentId);
        return reply
          .status(submitted.created ? 202 : 200)
          .header('location', statusUrl)
          .send({ enrollmentId: submitted.enrollmentId, runId: submitted.runId, statusUrl });
      },
    );

    app.post(
      '/api/v1/enrollments',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: "Enroll a student and wait for the workflow's outcome (202 with the status so far after 10 s)",
          body: enrollmentBody,
          response: { 200: enrollmentStatus, 202: enrollmentStatus, ...errors },
        },
      },
      async (request, reply) => {
        const submitted = await service.submit(request.body, 'admin', callerOf(request).userId);
        const { view, final } = await service.waitForOutcome(submitted);
        return reply
          .status(final ? 200 : 202)
          .header('location', view.statusUrl)
          .send(view);
      },
    );

    app.get(
      '/api/v1/enrollments',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Enrollments, newest first, optionally of one status',
          querystring: enrollmentListQuery,
          response: { 200: pageOf(enrollmentListItem), ...errors },
        },
      },
      async (request) => service.list(request.query),
    );

    app.get(
      '/api/v1/enrollments/:id/status',
      {
        // `?token=` (the signed link of the family's e-mails) needs no account; without it, a bearer token.
        config: { access: ['admin', 'parent'], signedLink: true },
        schema: {
          tags,
          security,
          summary: `Status of an enrollment (admin; the parent who enrolled; anyone with the e-mailed link, valid ${STATUS_LINK_TTL_DAYS} days)`,
          params: enrollmentIdParams,
          querystring: statusQuery,
          response: { 200: enrollmentStatus, ...errors },
        },
      },
      async (request) => {
        const { token } = request.query;
        if (token === undefined) return service.status(callerOf(request), request.params.id);
        if (!verifyStatusToken(services.signingSecret, request.params.id, token)) throw new AppError('unauthenticated', 'The status link is invalid or has expired');
        return service.statusByLink(request.params.id);
      },
    );
  };
