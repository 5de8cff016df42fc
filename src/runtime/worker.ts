import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import type { AppConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loggerOptions } from '../logger.js';
import { createEngine } from './engine.js';

/**
 * `worker`: executes workflow runs from the queue, WORKER_CONCURRENCY at a time, until SIGTERM/SIGINT
 * (then it finishes running runs, at most SHUTDOWN_TIMEOUT_MS). Start as many as you like, on as
 * many machines as you like: they share the queue, and a run whose worker dies is resumed by another.
 * Needs DATABASE_URL (embedded PGlite lives inside the `serve` process; use its embedded worker).
 */
export async function work(config: AppConfig): Promise<void> {
  const options = loggerOptions(config);
  const log = pino(typeof options === 'object' ? (options as pino.LoggerOptions) : {});
  if (config.database.kind !== 'postgres') {
    throw new Error('The worker command needs DATABASE_URL: the embedded database lives inside `serve`, whose embedded worker runs the workflows');
  }
  const db = await openDatabase(config.database);
  const { engine, services } = await createEngine(config, db, { onError: (err, context) => log.error({ err, context }, 'workflow engine error') });
  await engine.startWorker({ concurrency: config.workerConcurrency });
  log.info({ queue: engine.queue.driver, concurrency: config.workerConcurrency, owner: engine.executor.owner }, 'worker started');
  closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'worker stopping after an error');
    else log.info({ signal }, 'worker stopping');
    await engine.stop({ timeoutMs: config.shutdownTimeoutMs });
    services.email.close();
    await db.close();
  });
}
