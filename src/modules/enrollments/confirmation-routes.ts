import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import type { SchoolServices } from '../services.js';
import { answerAsOffice, confirmByLink } from './confirmation.js';
import { confirmBody, confirmationAnswer, declineBody, enrollmentIdParams } from './schemas.js';
import { CONFIRMATION_TTL_HOURS } from './workflows/confirm.js';

const tags = ['enrollments'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse };

/**
 * Ending the wait of a public enrollment made with an existing account's e-mail: the owner's
 * one-time link (public, rate limited), or the office's approval or refusal (admin).
 */
export const enrollmentConfirmationRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, workflows } = services;

    app.post(
      '/api/v1/public/enrollments/confirm',
      {
        config: { access: 'public', rateLimit: { max: services.config.rateLimits.public, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: `Confirm an enrollment with the token of the e-mailed link (one-time, valid ${CONFIRMATION_TTL_HOURS} h)`,
          body: confirmBody,
          response: { 200: confirmationAnswer, 400: errorResponse, 429: errorResponse },
        },
      },
      async (request) => confirmByLink(db.sql, workflows, request.body.token),
    );

    app.post(
      '/api/v1/enrollments/:id/approve',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Approve an enrollment awaiting the confirmation of an existing account’s owner',
          params: enrollmentIdParams,
          response: { 200: confirmationAnswer, ...errors },
        },
      },
      async (request) => answerAsOffice(db.sql, workflows, actorOf(request), request.params.id, { approved: true }),
    );

    app.post(
      '/api/v1/enrollments/:id/decline',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          security,
          summary: 'Decline an enrollment awaiting confirmation (it ends rejected, nothing changed)',
          params: enrollmentIdParams,
          body: declineBody,
          response: { 200: confirmationAnswer, ...errors },
        },
      },
      async (request) => answerAsOffice(db.sql, workflows, actorOf(request), request.params.id, { approved: false, reason: request.body.reason }),
    );
  };
