/**
 * Test harness of the durable engine: a fresh test database with the scratch tables, and engines
 * on the real queue of each available driver (pg-boss always; BullMQ when REDIS_URL is set).
 *
 * Every engine gets a queue namespace (a pg-boss schema, or a Redis key prefix unique to this
 * process), so engines of different tests do not take each other's jobs; `close()` stops the
 * engines, deletes the Redis keys and drops the database.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { WorkflowEngine, type WorkflowEngineOptions } from '../../src/engine/durable/engine.js';
import type { RunRecord, StepRecord } from '../../src/engine/durable/records.js';
import { RunStore } from '../../src/engine/durable/store.js';
import { inProcessWakeChannel, PgBossQueue, type WakeChannel } from '../../src/engine/queue/pgboss.js';
import type { QueueHandlers, WorkflowQueue } from '../../src/engine/queue/types.js';
import { spawnScript, type ScriptProcess } from '../helpers/school-worker.js';
import { postgresWakeChannel } from '../../src/engine/queue/wake-postgres.js';
import { createWorkflowQueue, pgliteBossSql } from '../../src/runtime/queue.js';
import { schoolTransactions } from '../../src/runtime/transaction-handle.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createScratchTables, fixtureRegistry } from './fixtures/workflows.js';

export type Driver = 'pg-boss' | 'bullmq';

export const redisUrl = process.env.REDIS_URL || undefined;
/** The queue drivers this environment can exercise. */
export const drivers: Driver[] = redisUrl ? ['pg-boss', 'bullmq'] : ['pg-boss'];

/** A queue that remembers the handlers it was given, so tests can drive the cron path directly. */
export class CapturingQueue implements WorkflowQueue {
  handlers: QueueHandlers | undefined;
  constructor(readonly inner: WorkflowQueue) {}
  get driver(): WorkflowQueue['driver'] {
    return this.inner.driver;
  }
  start(): Promise<void> {
    return this.inner.start();
  }
  enqueue(runId: string, options?: { delayMs?: number }): Promise<void> {
    return this.inner.enqueue(runId, options);
  }
  consume(handlers: QueueHandlers, options: { concurrency: number }): Promise<void> {
    this.handlers = handlers;
    return this.inner.consume(handlers, options);
  }
  schedule(workflow: string, cron: string, timezone: string): Promise<void> {
    return this.inner.schedule(workflow, cron, timezone);
  }
  unschedule(workflow: string): Promise<void> {
    return this.inner.unschedule(workflow);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  stop(options?: { timeoutMs?: number }): Promise<void> {
    return this.inner.stop(options);
  }
}

export interface EngineOptions extends Partial<Omit<WorkflowEngineOptions, 'registry' | 'sql' | 'queue'>> {
  /** Queue namespace (see `Harness.namespace`); default: the harness's own. */
  namespace?: string;
  /** pg-boss: fallback polling interval of the consumer (default: the driver's 1000 ms). */
  pollIntervalMs?: number;
  /** Start a worker with this concurrency; default 4; false = no worker (a client only). */
  worker?: { concurrency: number } | false;
  metricsRegistry?: Registry;
}

export interface TestEngine {
  engine: WorkflowEngine;
  queue: CapturingQueue;
  /** Errors reported through onError. */
  errors: Array<{ context: string; error: unknown }>;
}

export interface Harness {
  driver: Driver;
  database: TestDatabase;
  /** Default queue namespace. */
  readonly defaultNamespace: string;
  /** A new queue namespace, isolated from the others. */
  namespace(): string;
  /** pg-boss schema or Redis prefix of a namespace. */
  queueLocation(namespace: string): { pgBossSchema: string; redisPrefix: string };
  engine(options?: EngineOptions): Promise<TestEngine>;
  /** Stops the engines made so far (afterEach). */
  stopEngines(): Promise<void>;
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  steps(runId: string): Promise<StepRecord[]>;
  run(runId: string): Promise<RunRecord>;
  /** Executions of each node of a run (process kind), e.g. { n1: 1, n3: 2 }. */
  executions(runId: string, kind?: 'process' | 'compensate'): Promise<Record<string, number>>;
  /** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
  eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const token = (): string => `${process.pid}_${randomBytes(3).toString('hex')}`;

export async function openHarness(driver: Driver): Promise<Harness> {
  const database = await createTestDatabase();
  await createScratchTables(database.db.sql);
  const sql = database.db.sql;
  const registry = fixtureRegistry(sql);
  const store = new RunStore(sql);
  const engines: TestEngine[] = [];
  const prefixes = new Set<string>();
  const wakes = new Map<string, WakeChannel>();
  const defaultNamespace = token();

  const queueLocation = (namespace: string) => ({ pgBossSchema: `pgboss_${namespace}`, redisPrefix: `test-${namespace}` });

  const makeQueue = (namespace: string, pollIntervalMs: number | undefined): WorkflowQueue => {
    const { pgBossSchema, redisPrefix } = queueLocation(namespace);
    if (driver === 'bullmq') {
      prefixes.add(redisPrefix);
      return createWorkflowQueue({ redisUrl }, database.db, { redisPrefix });
    }
    if (database.db.kind === 'postgres') {
      if (pollIntervalMs === undefined) {
        return createWorkflowQueue({ redisUrl: undefined }, database.db, { databaseUrl: database.url, pgBossSchema });
      }
      const url = database.url as string;
      return new PgBossQueue({ connection: { connectionString: url, max: 4 }, wake: postgresWakeChannel(url), schema: pgBossSchema, pollIntervalMs });
    }
    // Embedded: what createWorkflowQueue builds, except that engines of one namespace share the
    // in-process wake-up channel (as they would if they were one process's worker and client).
    let wake = wakes.get(namespace);
    if (!wake) wakes.set(namespace, (wake = inProcessWakeChannel()));
    return new PgBossQueue({ connection: { db: pgliteBossSql(database.db) }, wake, schema: pgBossSchema, ...(pollIntervalMs ? { pollIntervalMs } : {}) });
  };

  const harness: Harness = {
    driver,
    database,
    defaultNamespace,
    namespace: token,
    queueLocation,
    async engine(options = {}) {
      const { namespace = defaultNamespace, worker = { concurrency: 4 }, pollIntervalMs, ...engineOptions } = options;
      const queue = new CapturingQueue(makeQueue(namespace, pollIntervalMs));
      const errors: TestEngine['errors'] = [];
      const engine = new WorkflowEngine({
        registry,
        sql,
        queue,
        transactions: schoolTransactions(database.db),
        leaseMs: 3_000,
        sweepIntervalMs: 200,
        onError: (error, context) => errors.push({ error, context }),
        ...engineOptions,
      });
      const made = { engine, queue, errors };
      engines.push(made);
      await queue.start();
      if (worker) await engine.startWorker(worker);
      return made;
    },
    async stopEngines() {
      const all = engines.splice(0);
      await Promise.all(all.map((e) => e.engine.stop({ timeoutMs: 5_000 }).catch(() => undefined)));
    },
    query: (text, params) => sql.query(text, params),
    steps: (runId) => store.steps(runId),
    async run(runId) {
      const run = await store.get(runId);
      if (!run) throw new Error(`run ${runId} not found`);
      return run;
    },
    async executions(runId, kind = 'process') {
      const rows = await sql.query<{ node_id: string; n: number }>('SELECT node_id, count(*)::int AS n FROM executions WHERE run_id = $1 AND kind = $2 GROUP BY node_id', [
        runId,
        kind,
      ]);
      return Object.fromEntries(rows.map((r) => [r.node_id, Number(r.n)]));
    },
    async eventually(check, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      await harness.stopEngines();
      if (prefixes.size > 0 && redisUrl) await deleteRedisKeys(redisUrl, [...prefixes]);
      await database.dispose();
    },
  };
  return harness;
}

export async function deleteRedisKeys(url: string, prefixes: string[]): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** A worker process (test/engine/fixtures/worker-process.ts); `ready` resolves with its lease owner. */
export type WorkerProcess = ScriptProcess;

export function spawnWorker(env: Record<string, string>): WorkerProcess {
  return spawnScript('test/engine/fixtures/worker-process.ts', [], { ...process.env, ...env }, /^ready (.+)$/);
}
