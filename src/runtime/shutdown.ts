import closeWithGrace from 'close-with-grace';
import { isDatabaseUnavailable } from '../db/availability.js';

/** Where the lifecycle messages go (a pino logger fits). */
export interface LifecycleLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ShutdownOptions {
  /** How long `close` may take before the process exits anyway, in ms. */
  delayMs: number;
  log: LifecycleLog;
  /** The message for a shutdown, e.g. "shutting down" ("… after an error" is added on a bug). */
  message: string;
}

/**
 * Graceful shutdown of a long-running process (`serve`, `worker`): on SIGTERM, SIGINT and the other
 * termination signals `close` runs (at most `delayMs`) and the process exits 0.
 *
 * An error that nothing caught (an uncaught exception, an unhandled rejection):
 * - a lost or unreachable database (see `isDatabaseUnavailable`: a connection ended by a
 *   PostgreSQL restart or failover, a refused connect) is logged as a warning and the process keeps
 *   running: its pools reconnect on their own, and a process that exits on every database restart
 *   turns a few seconds of outage into a crash loop;
 * - anything else is a bug: it is logged, `close` runs, and the process exits 1 (at once on a
 *   second such error).
 */
export function shutDownGracefully(options: ShutdownOptions, close: () => Promise<void>): void {
  const { log, message } = options;
  let failure: { error: unknown } | undefined;
  const closer = closeWithGrace({ delay: options.delayMs, skip: ['uncaughtException', 'unhandledRejection'] }, async ({ signal }) => {
    if (failure) log.error({ err: failure.error }, `${message} after an error`);
    else log.info({ signal }, message);
    await close();
    if (failure) process.exit(1);
  });
  const onUncaught = (error: unknown): void => {
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error }, 'database connection lost outside a request; still running');
      return;
    }
    if (failure) {
      log.error({ err: error }, 'second error while shutting down; exiting');
      process.exit(1);
    }
    failure = { error };
    void closer.close();
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
}
