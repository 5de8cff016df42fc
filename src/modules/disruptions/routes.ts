import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { closureBody } from '../academics/schemas.js';
import { actorOf, callerOf } from '../auth/caller.js';
import type { LessonDeps } from '../lessons/deps.js';
import { errors, idParams, security } from '../records/common.js';
import type { SchoolServices } from '../services.js';
import { createClosureActing } from './closures.js';
import { closureActionQuery, createdClosure, createdTimeOff, timeOffActionBody } from './schemas.js';
import { addTimeOffActing } from './time-off.js';

/**
 * Closures and time off that act on lessons: POST /api/v1/closures (admin) and POST
 * /api/v1/teachers/{id}/time-off (admin; the teacher themself). Both answer 201 with what was
 * created and the scheduled lessons it hits (`affectedLessons`, with what was done to each).
 */
export const disruptionRoutes =
  (services: SchoolServices, now: () => number = Date.now): FastifyPluginAsyncZod =>
  async (app) => {
    const deps: LessonDeps & { workflows: SchoolServices['workflows'] } = { db: services.db, config: services.config, now, settingsTtlMs: 0, workflows: services.workflows };

    app.post(
      '/api/v1/closures',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['academics'],
          security,
          summary: 'Create a closure; answers with the scheduled lessons on its days (?cancelLessons=true cancels them with make-up credits and notices)',
          querystring: closureActionQuery,
          body: closureBody,
          response: { 201: createdClosure, ...errors },
        },
      },
      async (request, reply) => {
        const created = await createClosureActing(deps, callerOf(request), actorOf(request), request.body, request.query.cancelLessons === 'true');
        return reply.status(201).send(created);
      },
    );

    app.post(
      '/api/v1/teachers/:id/time-off',
      {
        config: { access: ['admin', 'teacher'] },
        schema: {
          tags: ['teachers'],
          security,
          summary: 'Add time off; answers with the lessons inside it, optionally cancelled, handed to a substitute, or offered for a make-up',
          params: idParams,
          body: timeOffActionBody,
          response: { 201: createdTimeOff, ...errors },
        },
      },
      async (request, reply) => {
        const created = await addTimeOffActing(deps, callerOf(request), actorOf(request), request.params.id, request.body);
        return reply.status(201).send(created);
      },
    );
  };
