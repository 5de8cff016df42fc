/**
 * Notification routes. Any signed-in user: their own in-app notifications (list, mark read) and
 * channel preferences. Admins: the outbox (admin-routes.ts). Reads and writes
 * of own rows run under row-level security (asCaller) on top of the explicit user filter.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { actorOf, callerOf } from '../auth/caller.js';
import { recordAudit } from '../audit/record.js';
import { errorResponse } from '../../http/error-schemas.js';
import { notFound, validationFailed } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import type { SchoolServices } from '../services.js';
import { staffNotificationRoutes } from './admin-routes.js';
import { listInApp, markRead } from './in-app.js';
import { preferencesOf, savePreferences } from './preferences.js';
import { idParams, notificationListQuery, notificationPage, notificationView, preferencesBody, preferencesView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { asCaller } from '../auth/scoped.js';

const anyone = { access: 'authenticated' as const };
const tags = ['notifications'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

/** Every notification route; register once in the app with the process's services. */
export const notificationRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const db = services.db;

    app.get(
      '/api/v1/notifications',
      {
        config: anyone,
        schema: { tags, security, summary: 'Own in-app notifications, newest first', querystring: notificationListQuery, response: { 200: notificationPage, ...errors } },
      },
      async (request) => {
        const caller = callerOf(request);
        const q = request.query;
        const page = await asCaller(db, caller, (orm) => listInApp(sqlExecutorOf(orm), caller.userId, { unread: q.unread, limit: q.pageSize, offset: offsetOf(q) }));
        return { data: page.rows, page: q.page, pageSize: q.pageSize, total: page.total, unread: page.unread };
      },
    );

    app.post(
      '/api/v1/notifications/:id/read',
      { config: anyone, schema: { tags, security, summary: 'Mark an own notification read (idempotent)', params: idParams, response: { 200: notificationView, ...errors } } },
      async (request) => {
        const caller = callerOf(request);
        const row = await asCaller(db, caller, (orm) => markRead(sqlExecutorOf(orm), caller.userId, request.params.id));
        if (!row) throw notFound('Notification');
        return row;
      },
    );

    app.get(
      '/api/v1/notifications/preferences',
      { config: anyone, schema: { tags, security, summary: 'Own channel preferences (defaults until saved)', response: { 200: preferencesView, ...errors } } },
      async (request) => {
        const caller = callerOf(request);
        const prefs = await asCaller(db, caller, (orm) => preferencesOf(sqlExecutorOf(orm), caller.userId));
        if (!prefs) throw notFound('User');
        return prefs;
      },
    );

    app.put(
      '/api/v1/notifications/preferences',
      { config: anyone, schema: { tags, security, summary: 'Set own channel preferences (audited)', body: preferencesBody, response: { 200: preferencesView, ...errors } } },
      async (request) => {
        const caller = callerOf(request);
        return asCaller(db, caller, async (orm) => {
          const tx = sqlExecutorOf(orm);
          const current = await preferencesOf(tx, caller.userId);
          if (!current) throw notFound('User');
          if (request.body.sms && !current.hasPhone) {
            throw validationFailed([{ field: 'body.sms', message: 'needs a phone number on the account' }]);
          }
          await savePreferences(tx, caller.userId, request.body);
          const before = { email: current.email, sms: current.sms, inApp: current.inApp };
          await recordAudit(tx, actorOf(request), { action: 'update', entity: 'notification_preferences', entityId: caller.userId, before, after: request.body });
          return { ...request.body, hasPhone: current.hasPhone, customised: true } satisfies z.infer<typeof preferencesView>;
        });
      },
    );

    await app.register(staffNotificationRoutes(services));
  };
