import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { principalOf } from '../auth/guard.js';
import { errorResponse } from '../../http/error-schemas.js';
import { pageOf } from '../../http/pagination.js';
import type { AuthService } from '../auth/service.js';
import { createUserBody, updateUserBody, userIdParams, userListQuery, userView } from './schemas.js';
import { UserService } from './service.js';

const tags = ['users'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };
const adminOnly = { access: ['admin'] as const };
/** Admins, or the user themself: the service checks who the caller is. */
const adminOrSelf = { access: 'authenticated' as const };

/** /api/v1/users: admin user management; every user may read and change (names, phone) their own account. */
export const userRoutes =
  (deps: { db: Database; auth: AuthService }): FastifyPluginAsyncZod =>
  async (app) => {
    const service = new UserService(deps);

    app.get(
      '/api/v1/users',
      {
        config: adminOnly,
        schema: { tags, security, summary: 'List users, by last and first name', querystring: userListQuery, response: { 200: pageOf(userView), ...errors } },
      },
      async (request) => service.list(principalOf(request), request.query),
    );

    app.post(
      '/api/v1/users',
      {
        config: adminOnly,
        schema: {
          tags,
          security,
          summary: 'Create an admin, teacher or parent; without a password the user is mailed a set-password link',
          body: createUserBody,
          response: { 201: userView, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(principalOf(request), request.body, request.id)),
    );

    app.get(
      '/api/v1/users/:id',
      {
        config: { ...adminOrSelf, readLog: { entity: 'user' } },
        schema: { tags, security, summary: 'A user (admin; or yourself)', params: userIdParams, response: { 200: userView, ...errors } },
      },
      async (request) => service.get(principalOf(request), request.params.id),
    );

    app.patch(
      '/api/v1/users/:id',
      {
        config: adminOrSelf,
        schema: {
          tags,
          security,
          summary: 'Change a user (admin); yourself: names and phone only',
          params: userIdParams,
          body: updateUserBody,
          response: { 200: userView, ...errors },
        },
      },
      async (request) => service.update(principalOf(request), request.params.id, request.body, request.id),
    );

    app.delete(
      '/api/v1/users/:id',
      {
        config: adminOnly,
        schema: {
          tags,
          security,
          summary: 'Deactivate a user: every session ends at once (the record is kept)',
          params: userIdParams,
          response: { 204: z.null().describe('No content'), ...errors },
        },
      },
      async (request, reply) => {
        await service.deactivate(principalOf(request), request.params.id, request.id);
        return reply.status(204).send(null);
      },
    );
  };
