import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarFeedOwnerKinds } from '../../db/schema/calendar.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { notFound } from '../../http/errors.js';
import type { LessonDeps } from '../lessons/deps.js';
import { idParams } from '../lessons/schemas.js';
import { createFeed, feedText, listFeeds, revokeFeed } from './feeds.js';

const tags = ['calendar'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };
const feed = z.object({
  id: z.number().int(),
  ownerKind: z.enum(calendarFeedOwnerKinds),
  ownerId: z.number().int(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
const createBody = z
  .object({
    ownerKind: z.enum(calendarFeedOwnerKinds).optional().describe('Admins: whose lessons; others: themselves (default)'),
    ownerId: z.coerce.number().int().min(1).optional().describe('A teacher id, or a parent user id'),
  })
  .default({});

/** Secret iCalendar feed links: make, list, revoke; and the public .ics behind a token. */
export const calendarRoutes =
  (deps: LessonDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/calendar/feeds',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          security,
          summary: 'Make a secret calendar link (teacher: own lessons; parent: family; admin: anyone’s). The URL is shown once.',
          body: createBody,
          response: { 201: feed.extend({ token: z.string(), url: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const created = await createFeed(deps, callerOf(request), actorOf(request), request.body);
        const url = `${request.protocol}://${request.host}/api/v1/calendar/${created.token}.ics`;
        return reply.status(201).send({ ...created, url });
      },
    );

    app.get(
      '/api/v1/calendar/feeds',
      {
        config: { access: 'authenticated' },
        schema: { tags, security, summary: 'Your calendar links (admins: all), without their secrets', response: { 200: z.object({ data: z.array(feed) }), ...errors } },
      },
      async (request) => ({ data: await listFeeds(deps, callerOf(request)) }),
    );

    app.delete(
      '/api/v1/calendar/feeds/:id',
      { config: { access: 'authenticated' }, schema: { tags, security, summary: 'Revoke a calendar link', params: idParams, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await revokeFeed(deps, callerOf(request), actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/calendar/:feedToken.ics',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'The iCalendar feed behind a secret link (404 when unknown or revoked)', params: z.object({ feedToken: z.string().regex(/^[0-9a-f]{64}$/) }) },
      },
      async (request, reply) => {
        const text = await feedText(deps, request.params.feedToken);
        if (text === undefined) throw notFound('Calendar feed');
        return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(text);
      },
    );
  };
