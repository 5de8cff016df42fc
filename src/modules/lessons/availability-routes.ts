import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { publicTimeslots, teacherAvailability } from './availability.js';
import type { LessonDeps } from './deps.js';
import { availabilityQuery, availabilityView, idParams, publicTimeslotsQuery, timeslotsView } from './schemas.js';

const errors = { 400: errorResponse, 401: errorResponse, 404: errorResponse, 429: errorResponse };

/** Free time: a teacher's availability (signed-in users) and the public timeslots (rate-limited). */
export const availabilityRoutes =
  (deps: LessonDeps, options: { publicPerMinute: number }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/teachers/:id/availability',
      {
        config: { access: 'authenticated', readCache: true },
        schema: {
          tags: ['teachers'],
          security: [{ bearerAuth: [] }],
          summary: 'Weekly hours (school-local), time off and free slots of a teacher',
          params: idParams,
          querystring: availabilityQuery,
          response: { 200: availabilityView, ...errors },
        },
      },
      async (request) => teacherAvailability(deps, callerOf(request), request.params.id, request.query),
    );

    app.get(
      '/api/v1/public/timeslots',
      {
        config: { access: 'public', rateLimit: { max: options.publicPerMinute, timeWindow: '1 minute' }, readCache: true },
        schema: {
          tags: ['public'],
          summary: 'Free lesson slots by instrument or teacher (at most 31 days)',
          querystring: publicTimeslotsQuery,
          response: { 200: timeslotsView, ...errors },
        },
      },
      async (request, reply) => {
        // Nothing personal: browsers and proxies may reuse it briefly; this process caches it exactly (read-cache.ts).
        reply.header('cache-control', 'public, max-age=10');
        return publicTimeslots(deps, request.query);
      },
    );
  };
