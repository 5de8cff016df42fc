import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, callerOf } from '../../auth/caller.js';
import { errors, idParams, security } from '../../records/common.js';
import type { SchoolServices } from '../../services.js';
import { approveBody, erasureBody, erasureList, erasureListQuery, erasureView, rejectBody } from './schemas.js';
import { approveErasure, getErasure, listErasures, rejectErasure, requestErasure, type ErasureDeps } from './service.js';

/**
 * Privacy erasure requests (PIPEDA): POST /api/v1/privacy/erasures (admin; a parent for their own
 * family, waiting for an admin), approve / reject (admin), GET list and one (admin).
 */
export const erasureRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const deps: ErasureDeps = { db: services.db, workflows: services.workflows };
    const tags = ['privacy'];

    app.post(
      '/api/v1/privacy/erasures',
      {
        config: { access: ['admin', 'parent'] },
        schema: {
          tags,
          security,
          summary: "Ask to erase a family's personal data: a parent for themself (an admin approves), an admin at once (202; 409 naming the balance while money is owed)",
          body: erasureBody,
          response: { 202: erasureView, ...errors },
        },
      },
      async (request, reply) => reply.status(202).send(await requestErasure(deps, callerOf(request), actorOf(request), request.body)),
    );

    app.post(
      '/api/v1/privacy/erasures/:id/approve',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Approve a requested erasure and start it (202); overrideReason erases although the family owes money',
          params: idParams,
          body: approveBody,
          response: { 202: erasureView, ...errors },
        },
      },
      async (request, reply) => reply.status(202).send(await approveErasure(deps, callerOf(request), actorOf(request), request.params.id, request.body?.overrideReason)),
    );

    app.post(
      '/api/v1/privacy/erasures/:id/reject',
      {
        config: { access: ['admin'] },
        schema: { tags, security, summary: 'Refuse a requested erasure, saying why', params: idParams, body: rejectBody, response: { 200: erasureView, ...errors } },
      },
      async (request) => rejectErasure(deps, callerOf(request), actorOf(request), request.params.id, request.body.reason),
    );

    app.get(
      '/api/v1/privacy/erasures',
      {
        config: { access: ['admin'] },
        schema: { tags, security, summary: 'Erasure requests, newest first (?status filters)', querystring: erasureListQuery, response: { 200: erasureList, ...errors } },
      },
      async (request) => listErasures(services.db, callerOf(request), request.query),
    );

    app.get(
      '/api/v1/privacy/erasures/:id',
      {
        config: { access: ['admin'] },
        schema: { tags, security, summary: 'One erasure request, with its workflow run', params: idParams, response: { 200: erasureView, ...errors } },
      },
      async (request) => getErasure(services.db, callerOf(request), request.params.id),
    );
  };
