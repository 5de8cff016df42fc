import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, callerOf } from '../auth/caller.js';
import { pageOf } from '../../http/pagination.js';
import { errors, idParams, noContent, security } from '../records/common.js';
import { student, studentBody, studentListQuery, studentPatch } from './schemas.js';
import type { StudentsService } from './service.js';

const admin = { access: ['admin'] as const };
const signedIn = { access: 'authenticated' as const };
const tags = ['students'];

/**
 * /api/v1/students. Admins manage every student; parents and teachers read their own (a parent's
 * children, a teacher's assigned students). Someone else's student answers 404, never 403, so its
 * existence does not leak.
 */
export const studentRoutes =
  (service: StudentsService, onPlacesChanged?: (cause: string, requestId: string) => void): FastifyPluginAsyncZod =>
  async (app) => {
    /** A student changed or left: a teacher's place may have opened for waitlisted families. */
    const placesChanged = (request: FastifyRequest, id: number, what: string): void => onPlacesChanged?.(`student ${id} ${what}`, request.id);
    app.get(
      '/api/v1/students',
      {
        config: { ...signedIn, readCache: true },
        schema: { tags, security, summary: 'List students (own students for parents and teachers)', querystring: studentListQuery, response: { 200: pageOf(student), ...errors } },
      },
      async (request) => service.list(callerOf(request), request.query),
    );

    app.post(
      '/api/v1/students',
      { config: admin, schema: { tags, security, summary: 'Create a student', body: studentBody, response: { 201: student, ...errors } } },
      async (request, reply) => reply.status(201).send(await service.create(callerOf(request), actorOf(request), request.body)),
    );

    app.get(
      '/api/v1/students/:id',
      {
        config: { ...signedIn, readCache: true, readLog: { entity: 'student' } },
        schema: { tags, security, summary: 'One student (own for parents and teachers)', params: idParams, response: { 200: student, ...errors } },
      },
      async (request) => service.get(callerOf(request), request.params.id),
    );

    app.put(
      '/api/v1/students/:id',
      { config: admin, schema: { tags, security, summary: 'Replace a student', params: idParams, body: studentBody, response: { 200: student, ...errors } } },
      async (request) => {
        const replaced = await service.replace(callerOf(request), actorOf(request), request.params.id, request.body);
        placesChanged(request, request.params.id, 'replaced');
        return replaced;
      },
    );

    app.patch(
      '/api/v1/students/:id',
      { config: admin, schema: { tags, security, summary: 'Change some fields of a student', params: idParams, body: studentPatch, response: { 200: student, ...errors } } },
      async (request) => {
        const patched = await service.patch(callerOf(request), actorOf(request), request.params.id, request.body);
        placesChanged(request, request.params.id, 'changed');
        return patched;
      },
    );

    app.delete(
      '/api/v1/students/:id',
      { config: admin, schema: { tags, security, summary: 'Deactivate a student (soft delete: isActive=false)', params: idParams, response: { 204: noContent, ...errors } } },
      async (request, reply) => {
        await service.deactivate(callerOf(request), actorOf(request), request.params.id);
        placesChanged(request, request.params.id, 'deactivated');
        return reply.status(204).send(null);
      },
    );
  };
