import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Database } from '../../db/client.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { notFound } from '../../http/errors.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import { errors, idParams, security } from '../records/common.js';
import { consentNames } from './kinds.js';
import { consentsView, putConsentsBody } from './schemas.js';
import { consentsOf, recordConsents } from './store.js';

const tags = ['privacy'];
/** Admins, or the user themself (checked below: anyone else gets a 404, as for a user that does not exist). */
const adminOrSelf = { access: 'authenticated' as const };

function assertMayUse(caller: Caller, userId: number): void {
  if (caller.role !== 'admin' && caller.userId !== userId) throw notFound('User');
}

/**
 * GET/PUT /api/v1/users/{id}/consents: the four consents in force (dataProcessing, aiProcessing,
 * marketingEmail, sms), and recording changes (a new row per changed kind, audited).
 */
export const consentRoutes =
  (db: Database): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/users/:id/consents',
      { config: adminOrSelf, schema: { tags, security, summary: 'Consents in force (admin; the user themself)', params: idParams, response: { 200: consentsView, ...errors } } },
      async (request) => {
        const caller = callerOf(request);
        const userId = request.params.id;
        assertMayUse(caller, userId);
        return asCaller(db, caller, async (tx) => {
          const sql = sqlExecutorOf(tx);
          const [user] = await sql.query('SELECT 1 FROM users WHERE id = $1', [userId]);
          if (!user) throw notFound('User');
          return consentsOf(sql, userId);
        });
      },
    );

    app.put(
      '/api/v1/users/:id/consents',
      {
        config: adminOrSelf,
        schema: {
          tags,
          security,
          summary: 'Record consents: a partial object of booleans (admin; the user themself); a new row per changed kind',
          params: idParams,
          body: putConsentsBody,
          response: { 200: consentsView, ...errors },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const userId = request.params.id;
        assertMayUse(caller, userId);
        const body = request.body;
        const answers = Object.fromEntries(consentNames.filter((name) => body[name] !== undefined).map((name) => [name, body[name]]));
        // Written as the owner after the check above, like the users module's writes: the row lock
        // and the ai_processing_declined mirror on users need it.
        return db.sql.transaction(async (tx) => {
          const [user] = await tx.query('SELECT 1 FROM users WHERE id = $1', [userId]);
          if (!user) throw notFound('User');
          const { consents } = await recordConsents(tx, userId, answers, { actor: actorOf(request), source: 'api', version: body.version });
          return consents;
        });
      },
    );
  };
