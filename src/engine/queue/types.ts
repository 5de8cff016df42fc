import type { RunRecord } from '../durable/records.js';
import type { EngineSqlExecutor } from '../durable/sql.js';

/**
 * The queue that distributes workflow runs to workers. The queue carries only run ids and cron
 * firings; the run's state lives in the run store (workflow_runs / workflow_steps), so a job that
 * is delivered twice, or a job that is lost, never runs a node twice or loses a run.
 */
export interface WorkflowQueue {
  readonly driver: 'pg-boss' | 'bullmq';
  /** Connects and creates what the driver needs (queues, schema). Idempotent. */
  start(): Promise<void>;
  /** Asks a worker to execute (or resume) run `runId`, after `delayMs` (default 0). */
  enqueue(runId: string, options?: { delayMs?: number }): Promise<void>;
  /**
   * Optional, for a queue kept in the run store's database: sends the job for run `runId` with
   * `sql`, the caller's open transaction (so the run and its job commit together, or neither), and
   * returns what to call once that transaction committed (waking the consumers).
   */
  enqueueInTransaction?(sql: EngineSqlExecutor, runId: string): Promise<() => Promise<void>>;
  /**
   * Starts consuming: at most `concurrency` handlers run at once in this process.
   * Resolves once the consumer is started; handlers keep being called until `stop()`.
   */
  consume(handlers: QueueHandlers, options: { concurrency: number }): Promise<void>;
  /** Registers (or updates) a cron schedule that fires `handlers.cron(workflow, firingId)`. */
  schedule(workflow: string, cron: string, timezone: string): Promise<void>;
  /** Removes the cron schedule of `workflow`, if any (a schedule no longer configured stops firing). */
  unschedule(workflow: string): Promise<void>;
  /** Throws when the queue's backing service is unreachable. */
  ping(): Promise<void>;
  /** Stops consuming, waits for running handlers (at most `timeoutMs`), disconnects. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export interface QueueHandlers {
  /** Executes run `runId`; `claimed` when `claim` took its lease already. */
  run(runId: string, claimed?: RunRecord): Promise<void>;
  /**
   * Takes the leases of `runIds` with `sql`, the queue's open transaction in the run store's
   * database (so fetching the jobs and claiming their runs commit together). Returns the runs
   * claimed; the others are finished or held by another worker and need nothing from this one.
   */
  claim(runIds: readonly string[], sql: EngineSqlExecutor): Promise<ReadonlyMap<string, RunRecord>>;
  /** A cron firing; `firingId` is unique per firing and the same on redelivery (use it as idempotency key). */
  cron(workflow: string, firingId: string): Promise<void>;
}
