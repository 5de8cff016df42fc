import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from './authenticator.js';
import type { Principal } from './tokens.js';
import type { RouteAccess } from './access.js';
import { AppError } from '../../http/errors.js';

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

/** A `?token=` query value (a signed link), for routes that declare `config.signedLink`. */
function hasLinkToken(request: FastifyRequest): boolean {
  const query = request.query as { token?: unknown } | undefined;
  return typeof query?.token === 'string' && query.token.length > 0;
}

/** A route as the guard sees it: method, URL pattern and who may call it. */
export interface GuardedRoute {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

const routeTables = new WeakMap<FastifyInstance, GuardedRoute[]>();

/**
 * Every route registered on `app` after its guard was installed, with its declared access (HEAD
 * routes included). The access-matrix test walks this table, so a new route is covered at once.
 */
export function guardedRoutes(app: FastifyInstance): readonly GuardedRoute[] {
  return routeTables.get(app) ?? [];
}

/**
 * The one guard: enforces each route's declared `config.access` before its handler runs.
 * It runs as a preParsing hook: after every onRequest hook (rate limits, CORS, security headers and
 * the x-request-id header, so a 401/403 carries them and failed sign-ins count against the limits),
 * and before the body is parsed or validated (an anonymous caller gets 401, never a 400 about a body).
 */
export function installAuthGuard(app: FastifyInstance, authenticator: Authenticator): void {
  const table: GuardedRoute[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    for (const method of [route.method].flat()) table.push({ method: String(method), url: route.url, access });
  });
  app.decorateRequest('principal', undefined);
  app.addHook('preParsing', async (request, _reply, payload) => {
    const access: RouteAccess | undefined = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return payload; // unknown routes (404) and public ones
    const token = bearerToken(request);
    if (!token && request.routeOptions.config.signedLink === true && hasLinkToken(request)) return payload; // the handler verifies it
    if (!token) throw new AppError('unauthenticated', 'A bearer access token is required');
    const principal = await authenticator.authenticate(token);
    if (!principal) throw new AppError('unauthenticated', 'The access token is invalid or expired');
    request.principal = principal;
    if (access !== 'authenticated' && !access.includes(principal.role)) {
      throw new AppError('forbidden', `This needs the role ${access.join(' or ')}`);
    }
    return payload;
  });
}

/** The caller of a non-public route (the guard guarantees it is set). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'A bearer access token is required');
  return request.principal;
}
