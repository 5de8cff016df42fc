import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../modules/auth/authenticator.js';
import type { Principal } from '../modules/auth/tokens.js';
import type { RouteAccess } from './access.js';
import { AppError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; undefined on public routes called without a token. */
    principal: Principal | undefined;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/** The one guard: enforces each route's declared `config.access` before its handler runs. */
export function installAuthGuard(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const access: RouteAccess | undefined = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return; // unknown routes (404) and public ones
    const token = bearerToken(request);
    if (!token) throw new AppError('unauthenticated', 'A bearer access token is required');
    const principal = await authenticator.authenticate(token);
    if (!principal) throw new AppError('unauthenticated', 'The access token is invalid or expired');
    request.principal = principal;
    if (access !== 'authenticated' && !access.includes(principal.role)) {
      throw new AppError('forbidden', `This needs the role ${access.join(' or ')}`);
    }
  });
}

/** The caller of a non-public route (the guard guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'A bearer access token is required');
  return request.principal;
}
