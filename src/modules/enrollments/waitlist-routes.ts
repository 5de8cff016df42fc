import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { pageOf } from '../../http/pagination.js';
import type { SchoolServices } from '../services.js';
import { enrollmentIdParams } from './schemas.js';
import { promoteEnrollment } from './promotion.js';
import { listWaitlist } from './waitlist.js';
import { promoteAnswer, promoteBody, waitlistItem, waitlistQuery } from './waitlist-schemas.js';

const tags = ['enrollments'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

/**
 * The waitlist (API.md second wave): the list in order with what each enrollment waits for and why,
 * and the office's promote, which resumes the enrollment's own run from `family` (202: follow it
 * at `statusUrl`). Declining a waitlisted enrollment is POST /enrollments/{id}/decline.
 */
export const waitlistRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/waitlist',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Waitlisted enrollments in order (first come, first served), with what each waits for and why',
          querystring: waitlistQuery,
          response: { 200: pageOf(waitlistItem), ...errors },
        },
      },
      async (request) => {
        const { data, total } = await listWaitlist(services.db.sql, request.query);
        return { data, page: request.query.page, pageSize: request.query.pageSize, total };
      },
    );

    app.post(
      '/api/v1/enrollments/:id/promote',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Give a waitlisted enrollment a place: its run goes on (family, payment, assign with teacherId if given, demo lesson, welcome)',
          description:
            '409 when the enrollment is not waitlisted, already has a place, or no teacher of its instrument has room (without teacherId); 400 naming body.teacherId for an unknown teacher or one who does not teach the instrument. Nothing changes on a refusal.',
          params: enrollmentIdParams,
          body: promoteBody,
          response: { 202: promoteAnswer, ...errors },
        },
      },
      async (request, reply) => {
        const promoted = await promoteEnrollment(services, actorOf(request), request.params.id, request.body ?? {});
        return reply.status(202).header('location', promoted.statusUrl).send(promoted);
      },
    );
  };
