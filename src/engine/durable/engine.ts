import { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import { EventValidationError } from '../errors.js';
import type { RunResult } from '../journal.js';
import type { WorkflowRegistry } from '../registry.js';
import type { QueueHandlers, WorkflowQueue } from '../queue/types.js';
import { EngineMetrics } from './metrics.js';
import { waitRequestProblem } from '../waits.js';
import { finalStatuses, isSettled, type RunRecord } from './records.js';
import type { EngineSql } from './sql.js';
import { RunStore, type NewRun, type RunFilter } from './store.js';
import { engineTransactions, type TransactionOpener } from './transactions.js';
import { WaitStore, type SignalResult } from './waits.js';
import { RunExecutor, type LeaseOptions } from './worker.js';
import { buildRunView, type RunView } from './view.js';

export interface WorkflowEngineOptions extends LeaseOptions {
  registry: WorkflowRegistry;
  sql: EngineSql;
  queue: WorkflowQueue;
  /** Registry for engine metrics; none → no metrics. */
  metricsRegistry?: Registry;
  /** How often a worker looks for runs whose worker died, in ms. Default 2000. */
  sweepIntervalMs?: number;
  /** A queued run untouched this long is enqueued again (its job may be lost), in ms. Default 30000. */
  staleQueuedMs?: number;
  /** Where worker errors go. Default: ignored. */
  onError?: (error: unknown, context: string) => void;
  /**
   * Opens the transactions of `ctx.transaction` with the application's TransactionHandle.
   * Default: the engine's own `sql.transaction`, handle `{ sql }`.
   */
  transactions?: TransactionOpener;
}

export interface StartOptions {
  idempotencyKey?: string;
  metadata?: Record<string, unknown>;
}

/**
 * The durable engine: starts runs (row + queue job), serves their status, cancels and retries them,
 * and, when `startWorker` is called, executes runs from the queue in this process.
 */
export class WorkflowEngine {
  readonly store: RunStore;
  readonly waits: WaitStore;
  readonly executor: RunExecutor;
  private readonly finished = new EventEmitter();
  private sweeper: NodeJS.Timeout | undefined;
  private workerStarted = false;
  private readonly schedules: Array<{ workflow: string; cron: string; timezone: string }> = [];

  constructor(private readonly options: WorkflowEngineOptions) {
    this.store = new RunStore(options.sql);
    this.waits = new WaitStore(options.sql);
    this.finished.setMaxListeners(0);
    this.executor = new RunExecutor({
      registry: options.registry,
      store: this.store,
      waits: this.waits,
      transactions: options.transactions ?? engineTransactions(options.sql),
      requeue: (runId) => this.enqueue(runId),
      ...(options.metricsRegistry ? { metrics: new EngineMetrics(options.metricsRegistry) } : {}),
      ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
      onFinished: (runId: string, result: RunResult) => this.finished.emit(runId, result),
    });
  }

  get registry(): WorkflowRegistry {
    return this.options.registry;
  }

  get queue(): WorkflowQueue {
    return this.options.queue;
  }

  /**
   * Starts a run of `workflow`. The event is validated first (EventValidationError on a bad one,
   * nothing stored). With an idempotency key already used, returns that run (`created: false`).
   */
  async start(workflow: string, event: unknown, options: StartOptions = {}): Promise<{ run: RunRecord; created: boolean }> {
    const definition = this.registry.get(workflow);
    const parsed = definition.event.safeParse(event);
    if (!parsed.success) {
      const summary = parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
      throw new EventValidationError(workflow, parsed.error.issues, summary);
    }
    const request: NewRun = { workflow, event: parsed.data, ...options };
    const sendWithin = this.queue.enqueueInTransaction?.bind(this.queue);
    if (!sendWithin) {
      const result = await this.store.create(request);
      if (result.created) await this.enqueue(result.run.id);
      return result;
    }
    // The run and its job in one transaction; the consumers are woken once it committed.
    let wake: (() => Promise<void>) | undefined;
    const result = await this.store.sql.transaction(async (tx) => {
      const created = await this.store.create(request, tx);
      if (created.created) wake = await sendWithin(tx, created.run.id);
      return created;
    });
    await wake?.().catch((error: unknown) => this.options.onError?.(error, `wake consumers for ${result.run.id}`));
    return result;
  }

  /** Starts a run and waits up to `waitMs` for it to settle (see `waitFor`); returns the run as it then stands. */
  async startAndWait(workflow: string, event: unknown, options: StartOptions & { waitMs: number }): Promise<RunRecord> {
    const { run } = await this.start(workflow, event, options);
    return this.waitFor(run.id, options.waitMs);
  }

  /**
   * Waits until the run is settled (a final status, or `waiting`: it needs a signal, see
   * `isSettled`) or `waitMs` passes; returns its latest state.
   */
  async waitFor(runId: string, waitMs: number): Promise<RunRecord> {
    const deadline = Date.now() + waitMs;
    let pollMs = 5;
    for (;;) {
      const run = await this.store.get(runId);
      if (!run) throw new Error(`run ${runId} does not exist`);
      const remaining = deadline - Date.now();
      if (isSettled(run.status) || remaining <= 0) return run;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.finished.off(runId, done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(pollMs, remaining));
        this.finished.once(runId, done);
      });
      pollMs = Math.min(pollMs * 2, 100);
    }
  }

  async view(runId: string): Promise<RunView | undefined> {
    const run = await this.store.get(runId);
    if (!run) return undefined;
    const steps = await this.store.steps(runId);
    const definition = this.registry.has(run.workflow) ? this.registry.get(run.workflow) : undefined;
    return buildRunView(run, steps, definition);
  }

  list(filter: RunFilter): Promise<{ runs: RunRecord[]; total: number }> {
    return this.store.list(filter);
  }

  /** The run's record; undefined for an unknown run. */
  async status(runId: string): Promise<RunRecord | undefined> {
    return isUuid(runId) ? this.store.get(runId) : undefined;
  }

  /**
   * Sends `signal` to a run: stored durably (the first payload per run and signal wins; a repeat
   * changes nothing and answers `delivered: false`), consumed by the node that waits or will wait
   * for it (`ctx.waitFor`), and a run waiting for it is queued at once. `payload` must be
   * JSON-serialisable (undefined → null). Undefined for an unknown run; a RangeError for a bad name.
   */
  async signal(runId: string, signal: string, payload?: unknown): Promise<SignalResult | undefined> {
    const problem = waitRequestProblem(signal, 1);
    if (problem !== null) throw new RangeError(problem);
    if (!isUuid(runId)) return undefined;
    const result = await this.waits.signal(runId, signal, payload);
    if (result?.status === 'queued') await this.enqueue(runId);
    return result;
  }

  /**
   * Cancels a queued run at once; a running one is aborted, compensated and ends `cancelled`; a
   * waiting one is queued, and the worker that takes it compensates it.
   */
  async cancel(runId: string): Promise<RunRecord | undefined> {
    const run = await this.store.requestCancel(runId);
    if (run?.status === 'queued')
      await this.enqueue(runId); // was waiting
    else if (run && !finalStatuses.has(run.status)) this.executor.cancelLocal(runId);
    return run;
  }

  /** Retries a failed (not compensated) run from its failed node. Undefined when not retryable. */
  async retry(runId: string): Promise<RunRecord | undefined> {
    const run = await this.store.requeueFailed(runId);
    if (run) await this.enqueue(run.id);
    return run;
  }

  /** Registers a cron schedule (5-field cron in `timezone`); each firing starts one run. */
  async schedule(workflow: string, cron: string, timezone: string): Promise<void> {
    this.registry.get(workflow);
    this.schedules.push({ workflow, cron, timezone });
    await this.queue.schedule(workflow, cron, timezone);
  }

  /** Removes the cron schedule of `workflow` (no-op when it has none). */
  async unschedule(workflow: string): Promise<void> {
    const kept = this.schedules.filter((s) => s.workflow !== workflow);
    this.schedules.splice(0, this.schedules.length, ...kept);
    await this.queue.unschedule(workflow);
  }

  private async enqueue(runId: string): Promise<void> {
    try {
      await this.queue.enqueue(runId);
    } catch (error) {
      // The run row exists; the sweeper enqueues it again once it counts as stale.
      this.options.onError?.(error, `enqueue ${runId}`);
    }
  }

  /** Executes queued runs in this process (at most `concurrency` at once) and sweeps for orphans. */
  async startWorker(options: { concurrency: number }): Promise<void> {
    if (this.workerStarted) return;
    this.workerStarted = true;
    const handlers: QueueHandlers = {
      run: async (runId, claimed) => {
        await this.executor.execute(runId, claimed);
      },
      claim: (runIds, sql) => this.store.claimMany(runIds, this.executor.owner, this.executor.leaseMs, sql),
      cron: async (workflow, firingId) => {
        await this.start(workflow, { firedAt: new Date().toISOString() }, { idempotencyKey: `cron:${firingId}` });
      },
    };
    await this.queue.consume(handlers, options);
    const sweepIntervalMs = this.options.sweepIntervalMs ?? 2_000;
    this.sweeper = setInterval(() => void this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  /**
   * One pass of the sweeper (every worker runs it each `sweepIntervalMs`): enqueues runs whose
   * worker died, queued runs whose job may be lost, and waiting runs whose deadline passed.
   * Returns how many runs it enqueued.
   */
  async sweep(): Promise<number> {
    try {
      const runIds = await this.store.sweep(this.options.staleQueuedMs ?? 30_000);
      for (const runId of runIds) await this.enqueue(runId);
      return runIds.length;
    } catch (error) {
      this.options.onError?.(error, 'sweep');
      return 0;
    }
  }

  /** Stops the worker (waiting for running runs up to `timeoutMs`) and the queue. Waiting runs stay waiting. */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    clearInterval(this.sweeper);
    await this.queue.stop(options);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: string): boolean => UUID.test(value);
