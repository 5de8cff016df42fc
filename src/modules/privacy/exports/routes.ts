import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../http/errors.js';
import { errorResponse } from '../../../http/error-schemas.js';
import { actorOf, callerOf } from '../../auth/caller.js';
import { errors, security } from '../../records/common.js';
import type { SchoolServices } from '../../services.js';
import { EXPORT_TTL_DAYS } from './link.js';
import { downloadQuery, exportAccepted, exportBody, exportIdParams, exportList, exportListQuery, exportView } from './schemas.js';
import { PrivacyExportService } from './service.js';

const tags = ['privacy'];
/** The zip itself (binary; Fastify sends a Buffer as it is). */
const zipBody = z.custom<Buffer>((value) => Buffer.isBuffer(value)).meta({ description: 'The zip (application/zip)', type: 'string', format: 'binary' });
const downloadResponses = { 200: zipBody, ...errors, 410: errorResponse };
/** Parents ask for (and download) their own family's export; admins anyone's (API.md). */
const requesters = { access: ['admin', 'parent'] as const };

/**
 * Access requests (API.md "Privacy"): POST /api/v1/privacy/exports (admin: any user; a parent:
 * themself, anyone else is 404) → 202; GET …/exports (admin: all; a parent: the ones they asked
 * for) newest first; GET …/{id} (admin; the requester) the status; GET
 * …/{id}/download (admin; the requester; or the e-mailed signed link `?token=`) the zip, 410 once
 * expired.
 */
export const privacyExportRoutes =
  (services: SchoolServices, now: () => number = Date.now): FastifyPluginAsyncZod =>
  async (app) => {
    const service = new PrivacyExportService(services, now);

    app.post(
      '/api/v1/privacy/exports',
      {
        config: requesters,
        schema: {
          tags,
          security,
          summary: `Ask for a copy of everything the school holds about a user and their family (a zip of JSON and CSV, downloadable for ${EXPORT_TTL_DAYS} days)`,
          body: exportBody,
          response: { 202: exportAccepted, ...errors },
        },
      },
      async (request, reply) => {
        const accepted = await service.request(callerOf(request), actorOf(request), request.body.userId);
        return reply.status(202).header('location', accepted.statusUrl).send(accepted);
      },
    );

    app.get(
      '/api/v1/privacy/exports',
      {
        config: requesters,
        schema: {
          tags,
          security,
          summary: 'Exports, newest first (admin: everyone’s, ?userId filters; others: the ones they asked for)',
          querystring: exportListQuery,
          response: { 200: exportList, ...errors },
        },
      },
      async (request) => service.list(callerOf(request), request.query),
    );

    app.get(
      '/api/v1/privacy/exports/:id',
      {
        config: requesters,
        schema: {
          tags,
          security,
          summary: 'Status of an export: files and rows, download URL, expiry (admin; the requester)',
          params: exportIdParams,
          response: { 200: exportView, ...errors },
        },
      },
      async (request) => service.status(callerOf(request), request.params.id),
    );

    app.get(
      '/api/v1/privacy/exports/:id/download',
      {
        // `?token=` (the signed link of the "export ready" e-mail) needs no account; without it, a bearer token.
        config: { ...requesters, signedLink: true },
        schema: {
          tags,
          security,
          summary: 'Download an export (application/zip): admin; the requester; or anyone with the e-mailed link. 410 once expired',
          params: exportIdParams,
          querystring: downloadQuery,
          produces: ['application/zip', 'application/json'],
          response: downloadResponses,
        },
      },
      async (request, reply) => {
        const { token } = request.query;
        const access = token === undefined ? { caller: callerOf(request) } : { token };
        if (token === undefined && !request.principal) throw new AppError('unauthenticated', 'Sign in or use the e-mailed link');
        const { zip, filename } = await service.download(access, actorOf(request), request.params.id);
        return reply.type('application/zip').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(zip);
      },
    );
  };
