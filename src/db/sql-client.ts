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
  close(): Promise<void>;
}

type PgliteLike = Pick<PGlite | PGliteTransaction, 'query' | 'exec'>;

function pgliteExecutor(target: PgliteLike): SqlExecutor {
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
    close: () => db.close(),
  };
}

function pgExecutor(target: pg.Pool | pg.PoolClient): SqlExecutor {
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
      try {
        await connection.query('BEGIN');
        const result = await work(pgExecutor(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    close: () => pool.end(),
  };
}
