import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppConfig } from './config.js';
import { ChangeFeed } from './db/change-feed.js';
import type { Database } from './db/client.js';
import type { WorkflowEngine } from './engine/index.js';
import { requireAccessDeclarations } from './modules/auth/access.js';
import { installAuthGuard } from './modules/auth/guard.js';
import { installReadLog } from './modules/audit/read-log.js';
import { consentRoutes } from './modules/consents/routes.js';
import { retentionRoutes } from './modules/privacy/retention/routes.js';
import { installReadCache } from './http/read-cache.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { installErrorHandling } from './http/error-handler.js';
import { installNulByteGuard } from './http/nul-bytes.js';
import { installSchoolZone } from './http/school-zone.js';
import { webAppRoutes } from './http/web-app.js';
import { protocolErrorOptions, refuseWhileClosing } from './http/protocol-errors.js';
import { AppError } from './http/errors.js';
import { generateRequestId } from './http/request-id.js';
import { loggerOptions } from './logger.js';
import { healthRoutes, type HealthCheck } from './modules/health/routes.js';
import { createMetrics, type Metrics } from './modules/metrics/registry.js';
import { Authenticator } from './modules/auth/authenticator.js';
import { RefreshTokens } from './modules/auth/refresh-tokens.js';
import { authRoutes } from './modules/auth/routes.js';
import { AuthService } from './modules/auth/service.js';
import { SupabaseTokens } from './modules/auth/supabase.js';
import type { AccessTokens } from './modules/auth/tokens.js';
import { installRequestMetrics, metricsRoutes } from './modules/metrics/routes.js';
import { userRoutes } from './modules/users/routes.js';
import { workflowRoutes } from './modules/workflows/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { messageRoutes } from './modules/messages/routes.js';
import { recordsRoutes } from './modules/records.routes.js';
import { schedulingRoutes } from './modules/scheduling.routes.js';
import { disruptionRoutes } from './modules/disruptions/routes.js';
import { payrollRoutes } from './modules/payroll/routes.js';
import { progressRoutes } from './modules/progress/index.js';
import { erasureRoutes } from './modules/privacy/erasure/routes.js';
import { reportRoutes } from './modules/reports/routes.js';

import { privacyExportRoutes } from './modules/privacy/exports/routes.js';

import { importRoutes } from './modules/imports/routes.js';
import { lessonScheduleRoutes } from './modules/lessons/schedule-route.js';
import { enrollmentConfirmationRoutes } from './modules/enrollments/confirmation-routes.js';
import { enrollmentRoutes } from './modules/enrollments/routes.js';
import { waitlistRoutes } from './modules/enrollments/waitlist-routes.js';
import { paymentRoutes } from './modules/payments/routes.js';
import { aiRoutes } from './modules/ai/routes.js';
import { approvalRoutes } from './modules/approvals/routes.js';

import { scheduleReviewRoutes } from './modules/schedule-review/routes.js';
import { progressReportRoutes } from './modules/progress-reports/routes.js';
import { registerAiMetrics } from './modules/ai/metrics.js';
import { schoolSettings } from './modules/settings/reader.js';
import { deliverQueuedMailSoon } from './modules/notifications/send.js';
import type { SchoolServices } from './modules/services.js';

/** What the app needs from the outside world; main.ts builds it, tests build their own. */
export interface AppDeps {
  config: AppConfig;
  db: Database;
  /** Signs and verifies access tokens. */
  tokens: AccessTokens;
  /** The durable workflow engine; its routes are mounted when given. */
  engine?: WorkflowEngine;
  /** Gateway, transports and workflow starter (runtime/services.ts builds them; tests build their own). */
  services: SchoolServices;
  /** Extra readiness checks (queue, Redis …); the database check is always included. */
  healthChecks?: HealthCheck[];
  /**
   * The registry /metrics serves. Default: a new one with this app's HTTP and read-cache metrics
   * only. The process metrics (CPU, memory, event loop, GC) describe the whole process, so the
   * process's owner adds them: `serve` passes `createMetrics()`, which collects them.
   */
  metrics?: Metrics;
  /** The built web app (dist/web) to serve at `/`; none: the API only. `serve` passes `builtWebDir()`. */
  webDir?: string | undefined;
  /** Overrides the logger options derived from config (tests pass `false`). */
  logger?: FastifyServerOptions['logger'];
}

export type App = FastifyInstance;

/** Builds the Fastify app: plugins, error model, docs and every route. Does not listen. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db } = deps;
  const { services } = deps;
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config),
    genReqId: generateRequestId,
    requestIdHeader: false,
    trustProxy: config.trustProxy === false ? false : (_address: string, hop: number) => hop < (config.trustProxy as number),
    bodyLimit: 1_048_576,
    ...protocolErrorOptions,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installNulByteGuard(app);
  installSchoolZone(app, async () => (await schoolSettings(db, config).get()).timezone);
  requireAccessDeclarations(app);
  const supabase = config.supabase.jwtSecret || config.supabase.url ? new SupabaseTokens(config.supabase) : undefined;
  // One LISTEN connection per app: the user-row cache and the read cache follow data changes on it.
  // READ_CACHE_TTL_MS=0 leaves it off (no LISTEN, e.g. behind a transaction-mode pooler): both caches are bypassed.
  const feed = new ChangeFeed(db.sql);
  const authenticator = new Authenticator(db.sql, deps.tokens, supabase, feed);
  if (config.readCache.ttlMs > 0) await feed.start();
  // A stored setting that fails validation is replaced by its default; say so once per change.
  const stopSettingsWarnings = schoolSettings(db, config).onProblems((problems) => app.log.warn({ problems }, 'invalid stored settings: their defaults are used'));
  app.addHook('onClose', async () => {
    stopSettingsWarnings();
    authenticator.stop();
    await feed.stop();
  });
  installAuthGuard(app, authenticator);
  installReadLog(app, db.sql);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  refuseWhileClosing(app);

  installSecurityHeaders(app, { stripeElements: config.stripe.publishableKey !== undefined });
  await app.register(rateLimit, {
    global: config.rateLimits.global > 0,
    max: config.rateLimits.global || 1_000_000,
    timeWindow: '1 minute',
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`, { retryAfterSeconds: Math.ceil(context.ttl / 1000) }),
  });
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      credentials: !config.corsOrigins.includes('*'),
      exposedHeaders: ['x-request-id', 'retry-after', 'location'],
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Cedar Heights API',
        description: 'Music school backend: enrollment, scheduling, payments and messages, driven by durable workflows.',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const metrics = deps.metrics ?? createMetrics({ defaultMetrics: false });
  installRequestMetrics(app, metrics);
  registerAiMetrics(metrics.registry, db.sql);
  installReadCache(app, feed, config.readCache, metrics.readCache);
  await app.register(metricsRoutes(metrics, { requireAdmin: config.metricsRequireAuth }));

  const databaseCheck: HealthCheck = {
    name: 'database',
    check: async () => {
      await db.sql.query('SELECT 1');
    },
  };
  const engine = deps.engine;
  const queueCheck: HealthCheck[] = engine ? [{ name: `queue (${engine.queue.driver})`, check: () => engine.queue.ping() }] : [];
  const verifyMail = services.email.verify?.bind(services.email);
  const mailCheck: HealthCheck[] = verifyMail ? [{ name: 'smtp', check: verifyMail }] : [];
  await app.register(healthRoutes([databaseCheck, ...queueCheck, ...mailCheck, ...(deps.healthChecks ?? [])]));
  if (engine) await app.register(workflowRoutes(engine));
  const authService = new AuthService({
    sql: db.sql,
    tokens: deps.tokens,
    refreshTokens: new RefreshTokens(db.sql),
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    publicAppUrl: config.publicAppUrl,
    onMailQueued: () => deliverQueuedMailSoon(services.workflows),
  });
  await app.register(authRoutes(authService, authenticator, { authPerMinute: config.rateLimits.auth }));
  await app.register(userRoutes({ db, auth: authService }));
  await app.register(recordsRoutes({ config, db, workflows: services.workflows }));
  await app.register(schedulingRoutes({ config, db, workflows: services.workflows }));
  // Domain routes that use the services (gateway, transports, workflows) are registered below.
  await app.register(lessonScheduleRoutes(services, engine));
  await app.register(notificationRoutes(services));
  await app.register(messageRoutes(services));
  await app.register(enrollmentRoutes(services));
  await app.register(enrollmentConfirmationRoutes(services));
  await app.register(waitlistRoutes(services));
  await app.register(paymentRoutes(services));
  await app.register(aiRoutes(services));
  await app.register(approvalRoutes(services));

  await app.register(scheduleReviewRoutes(services));
  await app.register(progressReportRoutes(services));
  await app.register(disruptionRoutes(services));
  await app.register(payrollRoutes(services));
  await app.register(progressRoutes({ db, config, now: Date.now }));
  await app.register(erasureRoutes(services));
  await app.register(reportRoutes(services));

  await app.register(consentRoutes(db));
  await app.register(retentionRoutes(services));

  await app.register(privacyExportRoutes(services));

  await app.register(importRoutes(services));
  if (deps.webDir) await webAppRoutes(app, deps.webDir);

  return app;
}
