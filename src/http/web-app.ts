import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

const ASSET_NAME = /^[\w-]+(\.[\w-]+)*\.(js|css|svg|png|woff2|ico|json|txt)$/;

/** Paths of the web app's pages: each answers index.html and the app routes in the browser. */
const PAGE_PATHS = ['/', '/sign-in', '/set-password', '/reset-password', '/app', '/app/*'];

/**
 * Where the built web app is: dist/web beside the bundled CLI (dist/main.js), or, when running
 * from the sources (tsx), the repository's dist/web. Undefined when it has not been built.
 */
export function builtWebDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'web'), path.resolve(here, '..', '..', 'dist', 'web')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
}

/**
 * Serves the web app from `dir` (a Vite build): the pages (index.html, never cached, so a new
 * build is picked up at once) and /assets/* (content-hashed names: cached for a year). The
 * brotli or gzip copy the build wrote is sent to a browser that accepts it.
 */
export async function webAppRoutes(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, { root: dir, serve: false, preCompressed: true, index: false });
  for (const url of PAGE_PATHS) {
    app.get(url, { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) =>
      reply.sendFile('index.html', { maxAge: 0, immutable: false, cacheControl: false }).header('cache-control', 'no-cache'),
    );
  }
  app.get<{ Params: { '*': string } }>('/assets/*', { config: { access: 'public' }, schema: { hide: true } }, (request, reply) => {
    // The build writes flat, content-hashed names: anything else (a folder, `..`) is not one of them.
    const name = request.params['*'];
    if (!ASSET_NAME.test(name)) throw new AppError('not_found', 'No such file');
    return reply.sendFile(`assets/${name}`, { maxAge: '365d', immutable: true });
  });
}
