import type { AppConfig } from '../config.js';
import { CONNECT_TIMEOUT_MS, type Database } from '../db/client.js';
import { BullMqQueue, inProcessWakeChannel, PgBossQueue, postgresWakeChannel, type PgBossSql, type WorkflowQueue } from '../engine/index.js';

/** pg-boss's SQL on the embedded PGlite: parameterised statements, or scripts without parameters. */
export function pgliteBossSql(db: Database): PgBossSql {
  const pglite = db.pglite;
  if (!pglite) throw new Error('pgliteBossSql needs the embedded database');
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return pglite.query(text, values);
      const results = await pglite.exec(text);
      return results[results.length - 1] ?? { rows: [] };
    },
  };
}

/**
 * The workflow queue for this configuration: BullMQ when REDIS_URL is set, else pg-boss on the
 * application database (its own pool on PostgreSQL, the shared PGlite in embedded mode).
 */
export function createWorkflowQueue(
  config: Pick<AppConfig, 'redisUrl'>,
  db: Database,
  options: { databaseUrl?: string; redisPrefix?: string; pgBossSchema?: string } = {},
): WorkflowQueue {
  if (config.redisUrl) {
    return new BullMqQueue({ redisUrl: config.redisUrl, ...(options.redisPrefix ? { prefix: options.redisPrefix } : {}) });
  }
  const schema = options.pgBossSchema ?? 'pgboss';
  if (db.kind === 'postgres') {
    const url = options.databaseUrl;
    if (!url) throw new Error('createWorkflowQueue needs the database URL on PostgreSQL');
    return new PgBossQueue({
      connection: { connectionString: url, max: 4, connectTimeoutMs: CONNECT_TIMEOUT_MS },
      wake: postgresWakeChannel(url, { connectTimeoutMs: CONNECT_TIMEOUT_MS }),
      schema,
      runDatabase: db.sql,
    });
  }
  return new PgBossQueue({ connection: { db: pgliteBossSql(db) }, wake: inProcessWakeChannel(), schema, runDatabase: db.sql });
}
