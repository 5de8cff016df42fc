import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Metrics } from './registry.js';

/** Times every request of the app (call on the root instance). */
export function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    metrics.httpRequests.inc(labels);
    done();
  });
}

/** GET /metrics in the Prometheus text format. */
export const metricsRoutes =
  (metrics: Metrics, options: { requireAdmin: boolean }): FastifyPluginAsync =>
  async (app) => {
    app.get('/metrics', { config: { access: options.requireAdmin ? ['admin'] : 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };
