import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** A dependency that readiness must see working (database, queue, Redis …). */
export interface HealthCheck {
  name: string;
  /** Resolves when healthy; rejects (or exceeds timeoutMs) when not. */
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;
/** `Retry-After` of a 503 readiness answer, in seconds: dependencies usually come back within seconds (a database restart). */
const NOT_READY_RETRY_AFTER_SECONDS = 2;

const checkResult = z.object({ status: z.enum(['ok', 'failing']), latencyMs: z.number(), error: z.string().optional() });
const readiness = z.object({ status: z.enum(['ok', 'failing']), checks: z.record(z.string(), checkResult) });

async function runCheck(check: HealthCheck): Promise<z.infer<typeof checkResult>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'failing', latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/health` (liveness: the process answers, also while its database is away: restarting it would
 * not help) and `/health/ready` (every configured dependency works; 503 with Retry-After when one
 * does not, e.g. while the database is unreachable).
 */
export const healthRoutes = (checks: HealthCheck[]): FastifyPluginAsyncZod =>
  async function health(app) {
    app.get(
      '/health',
      {
        config: { access: 'public' },
        schema: { tags: ['operations'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) } },
      },
      async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
    );

    app.get(
      '/health/ready',
      {
        config: { access: 'public' },
        schema: { tags: ['operations'], summary: 'Readiness of the database, queue and configured services', response: { 200: readiness, 503: readiness } },
      },
      async (_request, reply) => {
        const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
        const failing = results.some(([, r]) => r.status === 'failing');
        if (failing) reply.header('retry-after', String(NOT_READY_RETRY_AFTER_SECONDS));
        return reply.status(failing ? 503 : 200).send({ status: failing ? 'failing' : 'ok', checks: Object.fromEntries(results) });
      },
    );
  };
