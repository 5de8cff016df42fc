/** DELETE /api/v1/admin/demo (admin): removes the demo school's records (removal.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { errorResponse } from '../../http/error-schemas.js';
import { actorOf } from '../auth/caller.js';
import { removeDemo } from './removal.js';

const demoRemoved = z.object({
  removed: z.record(z.string(), z.number().int()).describe('Rows removed per table; {} when there was no demo left to remove'),
});

export const demoRoutes =
  (db: Database): FastifyPluginAsyncZod =>
  async (app) => {
    app.delete(
      '/api/v1/admin/demo',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['settings'],
          security: [{ bearerAuth: [] }],
          summary:
            'Remove the demo school: exactly the records the demo seed made (and their sessions, mail, notifications). 409 listing them when records of the school point at demo records; nothing is removed then. Idempotent.',
          response: { 200: demoRemoved, 401: errorResponse, 403: errorResponse, 409: errorResponse },
        },
      },
      async (request) => removeDemo(db.sql, actorOf(request)),
    );
  };
