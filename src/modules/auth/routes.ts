import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from './guard.js';
import { errorResponse } from '../../http/error-schemas.js';
import { AppError } from '../../http/errors.js';
import type { Authenticator } from './authenticator.js';
import type { RequestMeta } from './refresh-tokens.js';
import {
  accepted,
  changePasswordBody,
  loginBody,
  loginResponse,
  logoutBody,
  profile,
  refreshBody,
  resetConfirmBody,
  resetRequestBody,
  tokenPair,
  validateBody,
} from './schemas.js';
import type { AuthService } from './service.js';

const tags = ['auth'];
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 429: errorResponse };

const metaOf = (request: FastifyRequest): RequestMeta => ({ ip: request.ip, userAgent: request.headers['user-agent'] });

/** /api/v1/auth: sign-in, token rotation, profile, password change and reset. */
export const authRoutes =
  (service: AuthService, authenticator: Authenticator, limits: { authPerMinute: number }): FastifyPluginAsyncZod =>
  async (app) => {
    const strict = { rateLimit: { max: limits.authPerMinute, timeWindow: '1 minute' } };

    app.post(
      '/api/v1/auth/login',
      { config: { access: 'public', ...strict }, schema: { tags, summary: 'Sign in with e-mail and password', body: loginBody, response: { 200: loginResponse, ...errors } } },
      async (request) => service.login(request.body.email, request.body.password, metaOf(request)),
    );

    app.post(
      '/api/v1/auth/refresh',
      { config: { access: 'public', ...strict }, schema: { tags, summary: 'Rotate a refresh token for a new pair', body: refreshBody, response: { 200: tokenPair, ...errors } } },
      async (request) => service.refresh(request.body.refreshToken, metaOf(request)),
    );

    app.post(
      '/api/v1/auth/logout',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          security,
          summary: 'Revoke the given refresh token (its family), or every session without one',
          body: logoutBody,
          response: { 204: z.null().describe('No content'), ...errors },
        },
      },
      async (request, reply) => {
        await service.logout(principalOf(request).userId, request.body?.refreshToken);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/auth/me',
      { config: { access: 'authenticated' }, schema: { tags, security, summary: 'The signed-in user, with teacherId or children', response: { 200: profile, ...errors } } },
      async (request) => service.profile(principalOf(request).userId),
    );

    app.post(
      '/api/v1/auth/validate',
      {
        config: { access: 'public', ...strict },
        schema: { tags, summary: 'Check an access token; answers its user or 401', body: validateBody, response: { 200: profile, ...errors } },
      },
      async (request) => {
        const principal = await authenticator.authenticate(request.body.token);
        if (!principal) throw new AppError('unauthenticated', 'The token is invalid or expired');
        return service.profile(principal.userId);
      },
    );

    app.post(
      '/api/v1/auth/password',
      {
        config: { access: 'authenticated', ...strict },
        schema: { tags, security, summary: 'Change your password (ends every other session)', body: changePasswordBody, response: { 200: tokenPair, ...errors } },
      },
      async (request) => service.changePassword(principalOf(request).userId, request.body.currentPassword, request.body.newPassword, metaOf(request)),
    );

    app.post(
      '/api/v1/auth/password-reset/request',
      {
        config: { access: 'public', ...strict },
        schema: { tags, summary: 'Mail a one-time reset link (always 202)', body: resetRequestBody, response: { 202: accepted, ...errors } },
      },
      async (request, reply) => {
        await service.requestPasswordReset(request.body.email);
        return reply.status(202).send({ status: 'accepted' as const, message: 'If this address belongs to an account, a reset link is on its way.' });
      },
    );

    app.post(
      '/api/v1/auth/password-reset/confirm',
      {
        config: { access: 'public', ...strict },
        schema: { tags, summary: 'Set a new password with a reset token', body: resetConfirmBody, response: { 204: z.null().describe('No content'), ...errors } },
      },
      async (request, reply) => {
        await service.confirmPasswordReset(request.body.token, request.body.newPassword);
        return reply.status(204).send(null);
      },
    );
  };
