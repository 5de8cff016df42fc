/**
 * Conversation routes (any signed-in user; who may write to whom is in sides.ts):
 * GET /api/v1/messages (own conversations, newest first, unread counts), GET /api/v1/messages/{id}
 * (the thread; marks it read), POST /api/v1/messages (a new conversation), POST
 * /api/v1/messages/{id}/replies.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { errorResponse } from '../../http/error-schemas.js';
import { offsetOf } from '../../http/pagination.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { asCaller } from '../auth/scoped.js';
import type { SchoolServices } from '../services.js';
import { readThread, reply, startConversation } from './conversations.js';
import { conversationCreated, conversationListQuery, conversationPage, conversationParams, newConversationBody, replyBody, replyCreated, threadView } from './schemas.js';
import { listConversations } from './store.js';

const anyone = { access: 'authenticated' as const };
const tags = ['messages'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

export const messageRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/messages',
      {
        config: anyone,
        schema: {
          tags,
          security,
          summary: "The caller's conversations, newest message first, with unread counts",
          querystring: conversationListQuery,
          response: { 200: conversationPage, ...errors },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const q = request.query;
        const page = await asCaller(services.db, caller, (orm) =>
          listConversations(sqlExecutorOf(orm), caller, { all: q.scope === 'all', limit: q.pageSize, offset: offsetOf(q) }),
        );
        return { data: page.rows, page: q.page, pageSize: q.pageSize, total: page.total, unread: page.unread };
      },
    );

    app.get(
      '/api/v1/messages/:conversationId',
      {
        config: anyone,
        schema: {
          tags,
          security,
          summary: 'A conversation with its messages (oldest first); marks it read for the caller',
          params: conversationParams,
          response: { 200: threadView, ...errors },
        },
      },
      async (request) => readThread(services, callerOf(request), request.params.conversationId),
    );

    app.post(
      '/api/v1/messages',
      {
        config: anyone,
        schema: {
          tags,
          security,
          summary: 'Start a conversation: parents with the school or their child’s teacher, teachers with the school or their students’ parents, admins with a parent or teacher',
          body: newConversationBody,
          response: { 201: conversationCreated, ...errors },
        },
      },
      async (request, res) => res.status(201).send(await startConversation(services, callerOf(request), actorOf(request), request.body)),
    );

    app.post(
      '/api/v1/messages/:conversationId/replies',
      {
        config: anyone,
        schema: {
          tags,
          security,
          summary: 'Reply in a conversation of the caller; tells the other side',
          params: conversationParams,
          body: replyBody,
          response: { 201: replyCreated, ...errors },
        },
      },
      async (request, res) => res.status(201).send(await reply(services, callerOf(request), actorOf(request), request.params.conversationId, request.body)),
    );
  };
