import pg from 'pg';
import type { WakeChannel } from './pgboss.js';

const CHANNEL = 'cedar_workflow_jobs';

/**
 * LISTEN/NOTIFY wake-ups across every process on one PostgreSQL database.
 * The listener holds one dedicated connection and reconnects after a connection loss.
 */
export function postgresWakeChannel(connectionString: string): WakeChannel {
  const notifier = new pg.Pool({ connectionString, max: 2 });
  notifier.on('error', () => undefined);
  return {
    async notify() {
      await notifier.query(`NOTIFY ${CHANNEL}`);
    },
    async subscribe(onWake) {
      let client: pg.Client | undefined;
      let closed = false;
      const connect = async (): Promise<void> => {
        const next = new pg.Client({ connectionString });
        next.on('notification', () => onWake());
        next.on('error', () => {
          if (closed) return;
          setTimeout(() => void connect().catch(() => undefined), 1000).unref();
        });
        await next.connect();
        await next.query(`LISTEN ${CHANNEL}`);
        client = next;
      };
      await connect();
      return async () => {
        closed = true;
        await client?.end().catch(() => undefined);
      };
    },
    async close() {
      await notifier.end().catch(() => undefined);
    },
  };
}
