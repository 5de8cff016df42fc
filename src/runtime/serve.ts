import { buildApp } from '../app.js';
import type { AppConfig } from '../config.js';
import { AccessTokens } from '../modules/auth/tokens.js';
import { createMetrics } from '../modules/metrics/registry.js';
import { announceGeneratedAdmin, prepareDatabase, type PreparedDatabase } from './database.js';
import { createEngine } from './engine.js';
import { resolveJwtSecret } from './secrets.js';
import { shutDownGracefully } from './shutdown.js';
import { builtWebDir } from '../http/web-app.js';

/**
 * `serve`: migrate, seed, start the workflow engine (with an embedded worker unless
 * EMBEDDED_WORKER=false), listen. On SIGTERM/SIGINT stops accepting connections, lets in-flight
 * requests and runs finish (at most SHUTDOWN_TIMEOUT_MS), then closes the queue and the database.
 * A database outage does not stop it: requests answer 503 `database_unavailable` meanwhile.
 * A caller that already resolved the JWT secret and started `prepareDatabase(config, { seed: true })`
 * (so that the database opens while this module loads) passes them as `started`.
 */
export async function serve(config: AppConfig, started?: { jwtSecret: string; database: Promise<PreparedDatabase> }): Promise<void> {
  // Milliseconds since the process started, logged with "ready" to show where start-up time goes.
  const elapsed = (): number => Math.round(performance.now());
  const startup = { serveCalled: elapsed(), databaseReady: 0, engineStarted: 0, appBuilt: 0, ready: 0 };
  const jwtSecret = started?.jwtSecret ?? (await resolveJwtSecret(config));
  const tokens = new AccessTokens(jwtSecret);
  const prepared = await (started?.database ?? prepareDatabase(config, { seed: true }));
  startup.databaseReady = elapsed();
  const metrics = createMetrics();
  let reportError = (error: unknown, context: string): void => void [error, context];
  const { engine, services } = await createEngine(config, prepared.db, {
    metricsRegistry: metrics.registry,
    signingSecret: jwtSecret,
    onError: (error, context) => reportError(error, context),
  });
  startup.engineStarted = elapsed();
  const app = await buildApp({ config, db: prepared.db, tokens, metrics, engine, services, webDir: builtWebDir() });
  reportError = (err, context) => app.log.error({ err, context }, 'workflow engine error');
  if (config.embeddedWorker) await engine.startWorker({ concurrency: config.workerConcurrency });
  startup.appBuilt = elapsed();

  shutDownGracefully({ delayMs: config.shutdownTimeoutMs, log: app.log, message: 'shutting down' }, async () => {
    // The app first (its own onClose hooks give back the connections they hold), then the engine,
    // then the pool, which waits for every connection to come back.
    await app.close();
    await engine.stop({ timeoutMs: config.shutdownTimeoutMs });
    services.email.close();
    await prepared.db.close();
  });

  await app.listen({ port: config.port, host: config.host });
  startup.ready = elapsed();
  if (prepared.migrationsApplied.length > 0) app.log.info({ migrations: prepared.migrationsApplied }, 'migrations applied');
  app.log.info(
    {
      database: config.database.kind,
      queue: engine.queue.driver,
      embeddedWorker: config.embeddedWorker,
      startupMs: { ...startup, database: prepared.timings },
    },
    'Cedar Heights is ready',
  );
  announceGeneratedAdmin(config.admin.email, prepared.generatedAdminPassword);
}
