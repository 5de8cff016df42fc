import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { pageOf } from '../../http/pagination.js';
import { creditListQuery, creditView, listCredits } from './credits.js';
import type { LessonDeps } from './deps.js';

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

/** GET /api/v1/makeup-credits: admins every credit, parents their children's, teachers their students'. */
export const makeupCreditRoutes =
  (deps: LessonDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/makeup-credits',
      {
        // Not kept by the read cache: the status depends on today's date, not only on the tables.
        config: { access: 'authenticated' },
        schema: {
          tags: ['lessons'],
          security: [{ bearerAuth: [] }],
          summary: "Make-up credits with status (open, used, expired) and expiry (admin: all; parent: own children's; teacher: own students')",
          querystring: creditListQuery,
          response: { 200: pageOf(creditView), ...errors },
        },
      },
      async (request) => listCredits(deps, callerOf(request), request.query),
    );
  };
