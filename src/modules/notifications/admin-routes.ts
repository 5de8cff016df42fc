/** Staff routes of notifications: the outbox (admin). Conversations are in src/modules/messages. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { callerOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { offsetOf, pageOf } from '../../http/pagination.js';
import type { SchoolServices } from '../services.js';
import { outboxListQuery, outboxView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { asCaller } from '../auth/scoped.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

const iso = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const outboxColumns = `id, channel, recipient, user_id AS "userId", template, subject, body_text AS "bodyText", status, attempts,
  last_error AS "lastError", provider, provider_message_id AS "providerMessageId", run_id::text AS "runId",
  to_char(created_at AT TIME ZONE 'UTC', ${iso}) AS "createdAt", to_char(updated_at AT TIME ZONE 'UTC', ${iso}) AS "updatedAt",
  to_char(sent_at AT TIME ZONE 'UTC', ${iso}) AS "sentAt"`;

export const staffNotificationRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/outbox',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['notifications'],
          security,
          summary: 'Every e-mail and SMS with its delivery state (newest first)',
          querystring: outboxListQuery,
          response: { 200: pageOf(outboxView), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const params = [q.channel ?? null, q.status ?? null];
        const where = 'WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR status = $2)';
        return asCaller(services.db, callerOf(request), async (orm) => {
          const tx = sqlExecutorOf(orm);
          const data = await tx.query<z.infer<typeof outboxView>>(`SELECT ${outboxColumns} FROM outbox ${where} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`, [
            ...params,
            q.pageSize,
            offsetOf(q),
          ]);
          const [count] = await tx.query<{ total: number }>(`SELECT count(*)::int AS total FROM outbox ${where}`, params);
          return { data, page: q.page, pageSize: q.pageSize, total: count?.total ?? 0 };
        });
      },
    );
  };
