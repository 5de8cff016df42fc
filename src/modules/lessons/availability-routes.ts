import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../../http/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { publicTimeslots, teacherAvailability } from './availability.js';
import { SlotCache } from './slot-cache.js';
import type { LessonDeps } from './deps.js';
import { availabilityQuery, availabilityView, idParams, publicTimeslotsQuery, timeslotsView } from './schemas.js';

const errors = { 400: errorResponse, 401: errorResponse, 404: errorResponse, 429: errorResponse };

/** Free time: a teacher's availability (signed-in users) and the public timeslots (rate-limited). */
export const availabilityRoutes =
  (deps: LessonDeps, options: { publicPerMinute: number; publicCacheTtlMs: number }): FastifyPluginAsyncZod =>
  async (app) => {
    const cache = new SlotCache(options.publicCacheTtlMs);
    app.get(
      '/api/v1/teachers/:id/availability',
      {
        config: { access: 'authenticated' },
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
        config: { access: 'public', rateLimit: { max: options.publicPerMinute, timeWindow: '1 minute' } },
        schema: {
          tags: ['public'],
          summary: 'Free lesson slots by instrument or teacher (at most 31 days)',
          querystring: publicTimeslotsQuery,
          response: { 200: timeslotsView, ...errors },
        },
      },
      async (request, reply) => {
        // The rendered JSON is cached briefly (slot-cache.ts); the answer holds nothing personal.
        const key = JSON.stringify(request.query);
        let body = cache.get(key);
        if (body === undefined) {
          body = JSON.stringify(await publicTimeslots(deps, request.query));
          cache.set(key, body);
        }
        return reply
          .type('application/json; charset=utf-8')
          .header('cache-control', 'public, max-age=10')
          .serializer((payload: unknown) => payload as string)
          .send(body as never); // already JSON: the identity serializer above passes it through
      },
    );
  };
