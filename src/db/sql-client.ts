import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';

/** Runs SQL on one connection (or one transaction). Parameters use $1, $2 … placeholders. */
export interface SqlExecutor {
  /** One statement with parameters; returns its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A script of several statements without parameters (migrations, DDL). */
  exec(script: string): Promise<void>;
}

/** A database handle: PGlite in-process or a node-postgres pool. */
export interface SqlClient extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction on one connection; commits on success, rolls back on throw. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * LISTENs on `channels`: `onNotify` gets each notification. On PostgreSQL one pooled connection is
   * held for it; when that connection is lost `onLost` is called once (notifications may have been
   * missed) and listening stops. Rejects, holding nothing, when listening cannot be set up.
   */
  listen(channels: readonly string[], onNotify: (channel: string, payload: string) => void, onLost: () => void): Promise<Subscription>;
  close(): Promise<void>;
}

/** A live LISTEN. */
export interface Subscription {
  /**
   * A barrier: resolves once every notification of a transaction that committed before the call
   * has been handed to `onNotify` (a round trip on the listening connection; PostgreSQL delivers
   * pending notifications before answering it). Rejects when the connection is lost.
   */
  ping(): Promise<void>;
  /** Stops listening and gives the connection back. */
  stop(): Promise<void>;
  /** Gives the connection back as broken, without a round trip (it is not answering). */
  abandon(): void;
}

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

type PgliteLike = Pick<PGlite | PGliteTransaction, 'query' | 'exec'>;

export function pgliteExecutor(target: PgliteLike): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await target.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      await target.exec(script);
    },
  };
}

export function pgliteClient(db: PGlite): SqlClient {
  return {
    kind: 'pglite',
    ...pgliteExecutor(db),
    transaction: (work) => db.transaction((tx) => work(pgliteExecutor(tx))),
    async listen(channels, onNotify) {
      const unsubscribers = await Promise.all(channels.map((channel) => db.listen(channel, (payload) => onNotify(channel, payload))));
      const stop = async (): Promise<void> => {
        if (!db.closed) await Promise.all(unsubscribers.map((unsubscribe) => unsubscribe()));
      };
      return {
        // PGlite runs in this process and hands notifications over (as microtasks) while it reads the
        // committing statement's answer, before that statement's caller resumes: nothing is pending.
        ping: async () => undefined,
        stop,
        abandon: () => void stop().catch(() => undefined),
      };
    },
    close: () => db.close(),
  };
}

export function pgExecutor(target: pg.Pool | pg.PoolClient | pg.Client): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await target.query(text, params as unknown[]);
      return result.rows as Row[];
    },
    async exec(script: string) {
      await target.query(script);
    },
  };
}

export function postgresClient(pool: pg.Pool): SqlClient {
  return {
    kind: 'postgres',
    ...pgExecutor(pool),
    async transaction(work) {
      const connection = await pool.connect();
      let broken = false;
      try {
        await connection.query('BEGIN');
        const result = await work(pgExecutor(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => {
          broken = true; // a connection that cannot roll back leaves the pool
        });
        throw error;
      } finally {
        connection.release(broken);
      }
    },
    async listen(channels, onNotify, onLost) {
      const connection = await pool.connect();
      let released = false;
      let listening = false;
      const release = (broken: boolean): void => {
        if (released) return;
        released = true;
        connection.removeListener('notification', onNotification);
        connection.removeListener('error', onError);
        connection.release(broken);
      };
      const onNotification = (message: pg.Notification): void => {
        if (channels.includes(message.channel)) onNotify(message.channel, message.payload ?? '');
      };
      // Stays attached while the connection is held, so a second error never finds no listener.
      const onError = (): void => {
        if (released) return;
        release(true);
        if (listening) onLost(); // before that, the LISTEN statement itself fails and listen() rejects
      };
      connection.on('notification', onNotification);
      connection.on('error', onError);
      try {
        await connection.query(channels.map((channel) => `LISTEN ${quoteIdentifier(channel)}`).join('; '));
      } catch (error) {
        release(true);
        throw error;
      }
      if (released) throw new Error('the listening connection was lost while it started listening');
      listening = true;
      return {
        async ping() {
          if (released) throw new Error('the listening connection was released');
          await connection.query('SELECT 1');
        },
        async stop() {
          if (released) return;
          await connection.query('UNLISTEN *').catch(() => undefined);
          release(false);
        },
        abandon() {
          release(true);
        },
      };
    },
    close: () => pool.end(),
  };
}
