import pg from 'pg';
import { backoffDelay, resolveRetryPolicy, type RetryPolicy } from '../retry.js';
import type { WakeChannel } from './pgboss.js';

/** A channel name LISTEN and NOTIFY take as it is (an identifier, not a parameter). */
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresWakeOptions {
  /** The LISTEN/NOTIFY channel: lower-case letters, digits and _, at most 63. Default "cedar_workflow_jobs". */
  channel?: string;
  /** A connection attempt without an answer fails after this many ms. Default 3000. */
  connectTimeoutMs?: number;
  /** Waits between tries to listen again after a lost connection. Default 200 ms doubling to 2 s, full jitter. */
  reconnect?: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>;
}

/**
 * LISTEN/NOTIFY wake-ups across every process on one PostgreSQL database.
 * The listener holds one dedicated connection. When it is lost (database restart, failover, network)
 * it connects again with backoff, for as long as the subscription lasts, and wakes its consumer once
 * it listens again (jobs may have been sent while it could not hear). While it is deaf, consumers
 * still find jobs by polling.
 */
export function postgresWakeChannel(connectionString: string, options: PostgresWakeOptions = {}): WakeChannel {
  const channel = options.channel ?? 'cedar_workflow_jobs';
  if (!CHANNEL_NAME.test(channel)) throw new TypeError(`the wake channel must be an SQL identifier (a-z, 0-9, _), got "${channel}"`);
  const connection = { connectionString, connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000, keepAlive: true };
  const backoff = resolveRetryPolicy({ initialDelayMs: 200, maxDelayMs: 2_000, ...options.reconnect });
  const notifier = new pg.Pool({ ...connection, max: 2 });
  notifier.on('error', () => undefined); // an idle connection lost: the pool drops it
  // A connection lost while checked out (between pool.query's statement and its release) must not
  // emit 'error' with no listener: that is an uncaught exception.
  notifier.on('connect', (client) => client.on('error', () => undefined));
  return {
    async notify() {
      await notifier.query(`NOTIFY ${channel}`);
    },
    async notifyInTransaction(sql) {
      await sql.query(`NOTIFY ${channel}`);
    },
    async subscribe(onWake) {
      let client: pg.Client | undefined;
      let closed = false;
      let failures = 0;
      let retryTimer: NodeJS.Timeout | undefined;

      const listen = async (): Promise<void> => {
        const next = new pg.Client(connection);
        next.on('notification', () => onWake());
        // Permanent: every later error of this client (there may be several) finds a listener.
        next.on('error', () => {
          if (client !== next) return; // not listening yet: connect() or LISTEN rejects instead
          client = undefined;
          void next.end().catch(() => undefined);
          retryLater();
        });
        try {
          await next.connect();
          await next.query(`LISTEN ${channel}`);
        } catch (error) {
          void next.end().catch(() => undefined);
          throw error;
        }
        if (closed) {
          await next.end().catch(() => undefined);
          return;
        }
        client = next;
        failures = 0;
      };

      const retryLater = (): void => {
        if (closed || retryTimer) return;
        retryTimer = setTimeout(
          () => {
            retryTimer = undefined;
            listen().then(
              () => onWake(),
              () => {
                failures += 1;
                retryLater();
              },
            );
          },
          backoffDelay(failures + 1, backoff),
        );
        retryTimer.unref();
      };

      await listen();
      return async () => {
        closed = true;
        clearTimeout(retryTimer);
        await client?.end().catch(() => undefined);
      };
    },
    async close() {
      await notifier.end().catch(() => undefined);
    },
  };
}
