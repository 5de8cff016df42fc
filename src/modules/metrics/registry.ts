import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (a registry per app, so tests do not share counters). */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  /** Answers of cacheable reads: `hit` (from memory), `miss` (read and stored), `bypass` (cache not trusted). */
  readCache: Counter<'result'>;
}

/** A registry with the HTTP and read-cache metrics; `defaultMetrics` (default true) adds prom-client's process metrics. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const readCache = new Counter({
    name: 'read_cache_answers_total',
    help: 'Cacheable reads by how they were answered: hit, miss or bypass',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, httpRequests, readCache };
}
