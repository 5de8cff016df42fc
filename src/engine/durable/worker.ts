import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { executeWorkflow } from '../executor.js';
import type { RunResult } from '../journal.js';
import type { WorkflowRegistry } from '../registry.js';
import { DurableJournal, LeaseLostError } from './durable-journal.js';
import { combineJournals, type EngineMetrics } from './metrics.js';
import type { RunRecord } from './records.js';
import type { RunStore } from './store.js';
import { RecordedTransactions, type TransactionOpener } from './transactions.js';
import type { WaitStore } from './waits.js';

/** Timing of leases, in milliseconds. */
export interface LeaseOptions {
  /** How long a worker's claim on a run lasts without a heartbeat. Default 15000. */
  leaseMs?: number;
  /** How often a worker renews its claim and checks for cancellation. Default leaseMs / 5. */
  heartbeatMs?: number;
}

export interface RunExecutorOptions extends LeaseOptions {
  registry: WorkflowRegistry;
  store: RunStore;
  waits: WaitStore;
  /** Opens the transactions of `ctx.transaction`. */
  transactions: TransactionOpener;
  metrics?: EngineMetrics;
  /** Identifies this worker in `lease_owner`. Default host:pid:random. */
  owner?: string;
  /** A run this worker executed ended, or suspended (status waiting). */
  onFinished?: (runId: string, result: RunResult) => void;
  /** A run must be executed again at once (it was woken while it suspended): put it in the queue. */
  requeue: (runId: string) => Promise<void>;
}

/**
 * Executes runs under a lease: claim → resume from checkpoints → execute with heartbeats → finish,
 * or suspend (a node waits for a signal: the lease is released and no memory or timer is kept).
 */
export class RunExecutor {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly active = new Map<string, AbortController>();

  constructor(private readonly options: RunExecutorOptions) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(50, Math.floor(this.leaseMs / 5));
  }

  /** Runs this process is executing right now. */
  get activeRuns(): number {
    return this.active.size;
  }

  /** Cancels a run executing in this process (other processes see the request at their heartbeat). */
  cancelLocal(runId: string): boolean {
    const controller = this.active.get(runId);
    controller?.abort();
    return controller !== undefined;
  }

  /**
   * Executes `runId` if it can be claimed; otherwise does nothing (another worker has it, or it is
   * done). `claimed`: the run as `RunStore.claimMany` returned it, its lease already this worker's.
   */
  async execute(runId: string, claimed?: RunRecord): Promise<RunResult | undefined> {
    const { store, registry } = this.options;
    const run = claimed ?? (await store.claim(runId, this.owner, this.leaseMs));
    if (!run) return undefined;
    if (!registry.has(run.workflow)) {
      await store.failUnstarted(runId, this.owner, {
        nodeId: null,
        kind: 'process',
        name: 'UnknownWorkflowError',
        message: `Workflow "${run.workflow}" is not registered in this worker`,
        permanent: true,
        attempts: 0,
      });
      return undefined;
    }
    const workflow = registry.get(run.workflow);
    // A first claim (attempt 1) has nothing to resume: only a lease holder writes steps.
    const { completed, attempts } = run.attempt > 1 ? await store.resumeState(runId) : { completed: [], attempts: new Map<string, number>() };
    const controller = new AbortController();
    if (run.cancelRequestedAt) controller.abort();
    this.active.set(runId, controller);
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      store.heartbeat(runId, this.owner, this.leaseMs).then(
        (state) => {
          if (state === 'held') return;
          if (state === 'lost') leaseLost = true;
          controller.abort();
        },
        () => undefined, // a missed heartbeat is retried at the next tick; the lease has slack
      );
    }, this.heartbeatMs);
    heartbeat.unref();
    const started = performance.now();
    const durable = new DurableJournal(store, runId, this.owner, this.leaseMs, attempts);
    const journal = this.options.metrics ? combineJournals(durable, this.options.metrics.journalFor(run.workflow)) : durable;
    const transactions = new RecordedTransactions(store.sql, this.options.transactions, this.owner, run.attempt > 1);
    try {
      const result = await executeWorkflow(workflow, {
        runId,
        event: run.event,
        metadata: run.metadata,
        signal: controller.signal,
        journal,
        waits: this.options.waits,
        transactions,
        ...(completed.length > 0 ? { resume: { completed } } : {}),
      });
      if (leaseLost) return undefined;
      if (result.status === 'waiting') {
        await durable.flush();
        return await this.suspend(runId, result, started);
      }
      if (await store.finish(runId, this.owner, result, durable.takeHeldStep())) {
        this.options.metrics?.runFinished(result, (performance.now() - started) / 1000);
        this.options.onFinished?.(runId, result);
        return result;
      }
      return undefined;
    } catch (error) {
      if (error instanceof LeaseLostError) return undefined;
      throw error; // the lease expires and another worker resumes the run
    } finally {
      clearInterval(heartbeat);
      this.active.delete(runId);
    }
  }

  /** Leaves the run waiting, or queues it again when it was woken meanwhile. */
  private async suspend(runId: string, result: RunResult, started: number): Promise<RunResult | undefined> {
    const state = await this.options.waits.suspend(runId, this.owner, result.waits ?? []);
    if (state === 'lost') return undefined;
    this.options.metrics?.runFinished(result, (performance.now() - started) / 1000);
    if (state === 'queued') {
      await this.options.requeue(runId);
      return result;
    }
    this.options.onFinished?.(runId, result);
    return result;
  }
}
