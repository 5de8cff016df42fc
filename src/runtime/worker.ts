import pino from 'pino';
import type { AppConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loggerOptions } from '../logger.js';
import { schoolSettings } from '../modules/settings/reader.js';
import { createEngine } from './engine.js';
import { resolveJwtSecret } from './secrets.js';
import { shutDownGracefully } from './shutdown.js';

/**
 * `worker`: executes workflow runs from the queue, WORKER_CONCURRENCY at a time, until SIGTERM/SIGINT
 * (then it finishes running runs, at most SHUTDOWN_TIMEOUT_MS). Start as many as you like, on as
 * many machines as you like: they share the queue, and a run whose worker dies is resumed by another.
 * Needs DATABASE_URL (embedded PGlite lives inside the `serve` process; use its embedded worker).
 * A database outage does not stop it: it reconnects, and runs whose lease lapsed meanwhile resume.
 */
export async function work(config: AppConfig): Promise<void> {
  const options = loggerOptions(config);
  const log = pino(typeof options === 'object' ? (options as pino.LoggerOptions) : {});
  if (config.database.kind !== 'postgres') {
    throw new Error('The worker command needs DATABASE_URL: the embedded database lives inside `serve`, whose embedded worker runs the workflows');
  }
  // The secret of the links the workflows e-mail (JWT_SECRET, required with DATABASE_URL): the API verifies them.
  const signingSecret = await resolveJwtSecret(config);
  const db = await openDatabase(config.database);
  schoolSettings(db, config).onProblems((problems) => log.warn({ problems }, 'invalid stored settings: their defaults are used'));
  const { engine, services } = await createEngine(config, db, { signingSecret, onError: (err, context) => log.error({ err, context }, 'workflow engine error') });
  await engine.startWorker({ concurrency: config.workerConcurrency });
  log.info({ queue: engine.queue.driver, concurrency: config.workerConcurrency, owner: engine.executor.owner }, 'worker started');
  // Runs until told to stop, even while the database is away and no connection or timer holds the
  // event loop (the queue's own timers do not promise to).
  const keepAlive = setInterval(() => undefined, 60_000);
  shutDownGracefully({ delayMs: config.shutdownTimeoutMs, log, message: 'worker stopping' }, async () => {
    clearInterval(keepAlive);
    await engine.stop({ timeoutMs: config.shutdownTimeoutMs });
    services.email.close();
    await db.close();
  });
}
