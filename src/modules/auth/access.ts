import type { FastifyInstance } from 'fastify';
import { userRoles } from '../../db/schema/users.js';

/** The roles a user may have: the values of `users.role`. */
export const roles = userRoles;
export type Role = (typeof roles)[number];

/**
 * Who may call a route, declared in its `config.access`:
 * - `'public'`: anybody, no token;
 * - `'authenticated'`: any signed-in user;
 * - a list of roles, e.g. `['admin', 'teacher']`.
 * A route that declares nothing is refused when it is registered.
 */
export type RouteAccess = 'public' | 'authenticated' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /**
     * The route also answers a signed link: a request with a `?token=` query value and no bearer
     * token passes the guard, and the handler must verify that token itself (401 when it fails).
     */
    signedLink?: boolean;
  }
}

/** Routes registered by plugins we do not own (docs UI and its assets) that are public by nature. */
const thirdPartyPublicPrefixes = ['/docs'];

/** Refuses, at registration, any route that does not say who may call it. */
export function requireAccessDeclarations(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const isCorsPreflight = route.method === 'OPTIONS' && route.url === '*';
    if (isCorsPreflight || thirdPartyPublicPrefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`))) {
      route.config = { ...(route.config ?? {}), access: 'public' };
      return;
    }
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (access === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
  });
}
