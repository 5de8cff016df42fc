import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema/index.js';
import { PreparingClient } from './prepared-client.js';
import { pgliteClient, postgresClient, type SqlClient } from './sql-client.js';

export type Schema = typeof schema;
/** Drizzle handle, the same type for PGlite and node-postgres. */
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;

/** Everything that talks to the database: raw SQL and the typed ORM over one connection source. */
export interface Database {
  readonly kind: SqlClient['kind'];
  readonly sql: SqlClient;
  readonly orm: Orm;
  /** The PGlite instance in embedded mode (pg-boss runs on it); undefined on PostgreSQL. */
  readonly pglite: PGlite | undefined;
  /** The node-postgres pool on PostgreSQL (the engine's transactional steps use it); undefined on PGlite. */
  readonly pool: pg.Pool | undefined;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string /** Start from this `dumpDataDir` image (in-memory only; tests). */; snapshot?: Blob }
  | { kind: 'postgres'; url: string; poolSize: number /** Named prepared statements (PreparingClient). Default true. */; preparedStatements?: boolean };

// Raw SQL results on both drivers: bigint → number (counts and ids fit), date → 'YYYY-MM-DD' string
// (never a local-midnight Date), timestamptz → Date.
const DATE_OID = 1082;
const keepDateText = (value: string): string => value;
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(DATE_OID, keepDateText);

/**
 * How every pooled connection to PostgreSQL is made. A connection attempt that gets no answer fails
 * after CONNECT_TIMEOUT_MS (a dead host or a cut network does not hang requests); TCP keep-alive
 * finds a peer that vanished without closing the socket. There is no reconnect loop: each request
 * that needs a connection makes one, so writes resume with the first request after the database is back.
 */
export const CONNECT_TIMEOUT_MS = 3_000;
export const connectionOptions = { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true } as const;

/**
 * Makes a pool outlive its database: the server ending a connection (restart, failover,
 * pg_terminate_backend) emits 'error' on the pooled client, which would be an uncaught exception
 * (the process dies) for a client that is checked out between two statements, since node-postgres
 * only listens while the client is idle. Every client gets a permanent listener: the error reaches
 * the statement in flight, or the next one ("not queryable"), and the broken client leaves the pool
 * when it is released.
 */
export function survivesConnectionLoss(pool: pg.Pool): void {
  pool.on('error', () => undefined); // an idle client's error: the pool has already dropped it
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
}

/**
 * PGlite's buffer pool. PostgreSQL's default, 128 MB, is zeroed at every open (about half a second
 * of CPU) and then held in memory; a school's working set is a few megabytes, and a page that
 * misses the pool is read from the operating system's file cache.
 */
const PGLITE_SHARED_BUFFERS = '32MB';

/** Where PGlite keeps the database of DATA_DIR `dataDir`: `<dataDir>/pglite`, or "memory://". */
export const pgliteLocation = (dataDir: string): string => (dataDir === 'memory://' ? 'memory://' : path.resolve(dataDir, 'pglite'));

/**
 * Opens the database. PGlite keeps its files in `<dataDir>/pglite` ("memory://" keeps it in memory);
 * PostgreSQL is reached through a pool of `poolSize` connections.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      ...connectionOptions,
      ...(target.preparedStatements === false ? {} : { Client: PreparingClient }),
    });
    survivesConnectionLoss(pool);
    const sql = postgresClient(pool);
    const orm = drizzlePg({ client: pool, schema }) as unknown as Orm;
    return { kind: 'postgres', sql, orm, pglite: undefined, pool, close: () => sql.close() };
  }
  const location = pgliteLocation(target.dataDir);
  if (location !== 'memory://') mkdirSync(location, { recursive: true });
  const pglite = await PGlite.create(location, {
    extensions: { btree_gist },
    ...(target.snapshot && location === 'memory://' ? { loadDataDir: target.snapshot } : {}),
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    parsers: { [DATE_OID]: keepDateText, 20: (value: string) => Number(value) },
  });
  const sql = pgliteClient(pglite);
  const orm = drizzlePglite({ client: pglite, schema }) as unknown as Orm;
  return { kind: 'pglite', sql, orm, pglite, pool: undefined, close: () => sql.close() };
}
