import type { EngineSql, EngineSqlExecutor } from '../durable/sql.js';
import { EventEmitter } from 'node:events';
import PgBoss from 'pg-boss';
import type { RunRecord } from '../durable/records.js';
import type { QueueHandlers, WorkflowQueue } from './types.js';

/** Minimal SQL access pg-boss needs when it shares our connection (PGlite). */
export interface PgBossSql {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss's `complete` on the connection `db`. Its typings offer `complete(name, ids, options)`,
 * but its code reads the options from the fourth argument (the third is the jobs' output): called
 * as typed, the completion runs on pg-boss's own connection, outside the caller's transaction.
 */
function completeWithin(boss: PgBoss, name: string, ids: string[], db: PgBoss.Db): Promise<unknown> {
  const complete = boss.complete as unknown as (name: string, ids: string[], data: null, options: PgBoss.ConnectionOptions) => Promise<unknown>;
  return complete.call(boss, name, ids, null, { db });
}

/** A fetched job, with its run when the fetch claimed it already. */
interface Fetched {
  job: PgBoss.Job<{ runId: string }>;
  claimed?: RunRecord;
}

/** pg-boss's statements on the engine's SQL (e.g. the caller's open transaction). */
const bossDb = (sql: EngineSqlExecutor): PgBoss.Db => ({ executeSql: async (text, values) => ({ rows: await sql.query(text, values) }) });

/**
 * Wakes idle consumers as soon as a job is sent, so the queue's latency is not its polling interval.
 * On PostgreSQL this is LISTEN/NOTIFY (across machines); in embedded mode an in-process emitter.
 */
export interface WakeChannel {
  notify(): Promise<void>;
  /** Optional: notifies with `sql` inside the caller's transaction (delivered when it commits). */
  notifyInTransaction?(sql: EngineSqlExecutor): Promise<void>;
  subscribe(onWake: () => void): Promise<() => Promise<void>>;
  /** Releases what `notify` holds (connections). Optional. */
  close?(): Promise<void>;
}

export function inProcessWakeChannel(): WakeChannel {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async notify() {
      emitter.emit('wake');
    },
    async subscribe(onWake) {
      emitter.on('wake', onWake);
      return async () => {
        emitter.off('wake', onWake);
      };
    },
  };
}

export interface PgBossQueueOptions {
  /**
   * Either a connection string (own pool of `max` connections, default 4; a connection attempt
   * without an answer fails after `connectTimeoutMs`, default 3000) or shared SQL access (PGlite).
   */
  connection: { connectionString: string; max?: number; connectTimeoutMs?: number } | { db: PgBossSql };
  wake: WakeChannel;
  /** Fallback polling when no wake-up arrives, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** pg-boss schema. Default "pgboss". */
  schema?: string;
  /**
   * The run store's database, when pg-boss lives in it (its schema beside workflow_runs). A run
   * and its job are then sent in one transaction (`enqueueInTransaction`), and a batch of jobs is
   * fetched and marked done in one: the run's own row says what is left to do (a run whose worker
   * dies before claiming it is queued again by the sweeper). Default none.
   */
  runDatabase?: EngineSql;
  /**
   * Prefix of the queue names: runs go to `<prefix>-runs`, each scheduled workflow to
   * `<prefix>-cron.<workflow>`. Default "workflow".
   */
  queuePrefix?: string;
}

/** pg-boss on PostgreSQL or PGlite; consumers fetch in batches and are woken by `WakeChannel`. */
export class PgBossQueue implements WorkflowQueue {
  readonly driver = 'pg-boss' as const;
  private readonly boss: PgBoss;
  private readonly wake: WakeChannel;
  private readonly pollIntervalMs: number;
  private started = false;
  private stopping = false;
  private inFlight = new Set<Promise<void>>();
  private pumping = false;
  private pumpAgain = false;
  /** The last fetch found the queue empty: finishing a job does not fetch again until a wake-up. */
  private drained = false;
  private wakeInFlight: Promise<void> | null = null;
  private wakeQueued: Promise<void> | null = null;
  private completions: string[] = [];
  private completing: Promise<void> | null = null;
  private concurrency = 0;
  private handlers: QueueHandlers | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly cronWorkers: string[] = [];
  private readonly runsQueue: string;
  private readonly runDatabase: EngineSql | undefined;
  private readonly cronPrefix: string;

  constructor(options: PgBossQueueOptions) {
    // pg-boss hands these options to its node-postgres pool; the pool survives lost connections
    // (its errors reach the 'error' listener below, its work loops retry on their own).
    const connection: PgBoss.DatabaseOptions & { connectionTimeoutMillis?: number; keepAlive?: boolean } =
      'db' in options.connection
        ? { db: options.connection.db as PgBoss.Db }
        : {
            connectionString: options.connection.connectionString,
            max: options.connection.max ?? 4,
            connectionTimeoutMillis: options.connection.connectTimeoutMs ?? 3_000,
            keepAlive: true,
          };
    this.boss = new PgBoss({
      ...connection,
      schema: options.schema ?? 'pgboss',
      // Run state lives in workflow_runs; a job that expires or fails is recovered by the run sweeper.
      retryLimit: 0,
      expireInHours: 23,
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: 2,
      maintenanceIntervalSeconds: 120,
    });
    this.boss.on('error', () => undefined);
    this.wake = options.wake;
    this.runDatabase = options.runDatabase;
    this.enqueueInTransaction = options.runDatabase ? (sql, runId) => this.sendWithin(sql, runId) : undefined;
    const prefix = options.queuePrefix ?? 'workflow';
    this.runsQueue = `${prefix}-runs`;
    this.cronPrefix = `${prefix}-cron.`;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    await this.ensureQueue(this.runsQueue);
    this.started = true;
  }

  private async ensureQueue(name: string): Promise<void> {
    if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name).catch(() => undefined);
  }

  /** Defined only when pg-boss lives in the run store's database (`runDatabase`). */
  readonly enqueueInTransaction: WorkflowQueue['enqueueInTransaction'];

  private async sendWithin(sql: EngineSqlExecutor, runId: string): Promise<() => Promise<void>> {
    const db = bossDb(sql);
    // pg-boss answers null instead of a job id when it inserted nothing (the queue does not exist).
    const jobId = await this.boss.send(this.runsQueue, { runId }, { startAfter: '-1 second', db });
    if (jobId === null) throw new Error(`pg-boss queue "${this.runsQueue}" took no job for run ${runId}`);
    const notifyWithin = this.wake.notifyInTransaction?.bind(this.wake);
    if (!notifyWithin) return () => this.wakeConsumers();
    await notifyWithin(sql);
    return async () => undefined;
  }

  async enqueue(runId: string, options: { delayMs?: number } = {}): Promise<void> {
    const delaySeconds = Math.ceil((options.delayMs ?? 0) / 1000);
    // An immediate job starts "1 s ago": pg-boss fetches jobs with start_after < now(), and PGlite's
    // clock has millisecond resolution, so a job fetched in the millisecond it was sent would be
    // skipped until the next poll.
    await this.boss.send(this.runsQueue, { runId }, { startAfter: delaySeconds > 0 ? delaySeconds : '-1 second' });
    if (delaySeconds === 0) await this.wakeConsumers();
  }

  /**
   * One notification at a time: enqueues made while one is on its way share the next one, which
   * is sent after it (the one on its way may predate their jobs).
   */
  private wakeConsumers(): Promise<void> {
    if (!this.wakeInFlight) {
      this.wakeInFlight = this.wake.notify().finally(() => {
        this.wakeInFlight = null;
      });
      return this.wakeInFlight;
    }
    this.wakeQueued ??= this.wakeInFlight
      .catch(() => undefined)
      .then(() => {
        this.wakeQueued = null;
        return this.wakeConsumers();
      });
    return this.wakeQueued;
  }

  /** Marks jobs done in batches: one statement for the jobs that finished while the last one ran. */
  private complete(jobId: string): void {
    this.completions.push(jobId);
    this.completing ??= (async () => {
      while (this.completions.length > 0) {
        await this.boss.complete(this.runsQueue, this.completions.splice(0)).catch(() => undefined);
      }
      this.completing = null;
    })();
  }

  /** A job may be waiting (wake-up or poll): fetch even if the last fetch found the queue empty. */
  private wakeUp(): void {
    this.drained = false;
    this.pump();
  }

  async consume(handlers: QueueHandlers, options: { concurrency: number }): Promise<void> {
    this.handlers = handlers;
    this.concurrency = options.concurrency;
    this.unsubscribe = await this.wake.subscribe(() => this.wakeUp());
    // Cron firings arrive on one pg-boss queue per workflow. Every worker handles the schedules
    // registered so far, whichever process registered them (before or after this one started).
    for (const schedule of await this.boss.getSchedules()) {
      if (schedule.name.startsWith(this.cronPrefix)) await this.workCron(schedule.name, handlers);
    }
    const tick = (): void => {
      this.wakeUp();
      this.timer = setTimeout(tick, this.pollIntervalMs);
      this.timer.unref();
    };
    tick();
  }

  /** Fetches as many jobs as there is free capacity, until the queue is empty. */
  private pump(): void {
    if (this.stopping || !this.handlers) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.fill().finally(() => {
      this.pumping = false;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.pump();
      }
    });
  }

  /**
   * Up to `batchSize` jobs. In the run store's database, fetched and marked done in one
   * transaction (one commit instead of one for the fetch and one per completion).
   */
  private async fetchBatch(handlers: QueueHandlers, batchSize: number): Promise<{ fetched: number; work: Fetched[] }> {
    const runDatabase = this.runDatabase;
    if (!runDatabase) {
      const jobs = await this.boss.fetch<{ runId: string }>(this.runsQueue, { batchSize });
      return { fetched: jobs.length, work: jobs.map((job) => ({ job })) };
    }
    return runDatabase.transaction(async (tx) => {
      const db = bossDb(tx);
      const jobs = await this.boss.fetch<{ runId: string }>(this.runsQueue, { batchSize, db });
      if (jobs.length === 0) return { fetched: 0, work: [] };
      await completeWithin(
        this.boss,
        this.runsQueue,
        jobs.map((job) => job.id),
        db,
      );
      const claimed = await handlers.claim([...new Set(jobs.map((job) => job.data.runId))], tx);
      // A job whose run was not claimed (finished, or another worker's) needs nothing more.
      // One execution per run: a run with several jobs in the batch (a signal queues it again) runs once.
      const taken = new Set<string>();
      const work = jobs.flatMap((job) => {
        const run = claimed.get(job.data.runId);
        if (!run || taken.has(run.id)) return [];
        taken.add(run.id);
        return [{ job, claimed: run }];
      });
      return { fetched: jobs.length, work };
    });
  }

  private async fill(): Promise<void> {
    const handlers = this.handlers;
    if (!handlers) return;
    while (!this.stopping && this.inFlight.size < this.concurrency) {
      const batchSize = this.concurrency - this.inFlight.size;
      const { fetched, work } = await this.fetchBatch(handlers, batchSize).catch(() => ({ fetched: 0, work: [] }));
      this.drained = fetched < batchSize;
      if (fetched === 0) return;
      for (const { job, claimed } of work) {
        const task = handlers
          .run(job.data.runId, claimed)
          .then(
            () => (this.runDatabase ? undefined : this.complete(job.id)),
            (error: unknown) => (this.runDatabase ? undefined : this.boss.fail(this.runsQueue, job.id, { message: String(error) })),
          )
          .catch(() => undefined)
          .finally(() => {
            this.inFlight.delete(task);
            if (!this.drained) this.pump();
          });
        this.inFlight.add(task);
      }
    }
  }

  async schedule(workflow: string, cron: string, timezone: string): Promise<void> {
    const queue = `${this.cronPrefix}${workflow}`;
    await this.ensureQueue(queue);
    await this.boss.schedule(queue, cron, { workflow }, { tz: timezone });
    if (this.handlers) await this.workCron(queue, this.handlers);
  }

  async unschedule(workflow: string): Promise<void> {
    await this.boss.unschedule(`${this.cronPrefix}${workflow}`);
  }

  private async workCron(queue: string, handlers: QueueHandlers): Promise<void> {
    if (this.cronWorkers.includes(queue)) return;
    this.cronWorkers.push(queue);
    await this.boss.work<{ workflow: string }>(queue, { pollingIntervalSeconds: 2 }, async (jobs) => {
      for (const job of jobs) await handlers.cron(job.data.workflow, `pgboss:${job.id}`);
    });
  }

  async ping(): Promise<void> {
    await this.boss.getQueue(this.runsQueue);
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.unsubscribe?.();
    const timeoutMs = options.timeoutMs ?? 10_000;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await this.completing;
    if (this.started) await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs }).catch(() => undefined);
    await this.wake.close?.();
  }
}
