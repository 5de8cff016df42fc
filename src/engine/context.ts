/** The task context every node reads: the run's event, earlier outputs, metadata, stop. */
import { PermanentError, SuspendedError } from './errors.js';
import { NEVER_ABORTED, type Scope } from './scope.js';
import type { TransactionHandle, TransactionRunner } from './transaction.js';
import { waitRequestProblem, type WaitOptions, type WaitOutcome, type WaitProvider } from './waits.js';

/**
 * What a node sees while it runs (one context per node attempt).
 *
 * `nodes` holds the outputs of the nodes finished so far in this run, by node id (a router has
 * no output slot). `metadata` is shared by all nodes of the run and may be written freely, but it
 * is NOT checkpointed: data that must survive a resume belongs in a node's output.
 */
export interface TaskContext<Event = unknown> {
  /** The run's id (a UUID in the durable layer). */
  readonly runId: string;
  /** The id of the node being run. */
  readonly nodeId: string;
  /** The event, already parsed by the workflow's `event` schema. */
  readonly event: Event;
  /** Outputs of finished nodes, by node id. */
  readonly nodes: Readonly<Record<string, unknown>>;
  /** Free-form per-run data shared by all nodes (not durable). */
  readonly metadata: Record<string, unknown>;
  /** 1-based attempt number of this node (or of this compensation). */
  readonly attempt: number;
  /**
   * Fires when this attempt should give up: its timeout elapsed, the run was cancelled, or a
   * concurrent sibling failed for good. Pass it to fetch(), database drivers, etc.
   */
  readonly signal: AbortSignal;
  /**
   * `${runId}:${nodeId}` (`${runId}:${nodeId}:compensate` in a compensation): the same on every
   * retry and every resume of the run, so an external call made with it happens once.
   */
  readonly idempotencyKey: string;
  /** True once `stop` was called in this attempt or by an earlier node. */
  readonly shouldStop: boolean;
  /**
   * Ends the run on purpose, with status `stopped`, once the current node has finished (its
   * output is still kept). Later nodes do not run and nothing is compensated. Only counts if
   * this attempt succeeds.
   */
  stop(reason: string): void;
  /** The output of a finished node, typed from its definition; undefined if it has not run. */
  output<N extends { readonly id: string; readonly process: (ctx: never) => unknown }>(node: N): Awaited<ReturnType<N['process']>> | undefined;
  /** The output of a finished node by id; undefined if it has not run. */
  output<T = unknown>(nodeId: string): T | undefined;
  /**
   * Waits durably for `signal` (sent with `engine.signal(runId, signal, payload)`; one sent before
   * the wait counts too). Resolves with the payload, or `{ received: false }` once `timeoutMs` has
   * passed since this node first waited on this signal. While neither has happened the run is
   * suspended: status `waiting`, no worker held. When it goes on, the node runs again FROM ITS
   * BEGINNING, so the code before `waitFor` must be idempotent, as on any retry (use
   * `ctx.transaction` or `ctx.idempotencyKey`). Needs a durable run (ExecuteOptions.waits);
   * otherwise, and in a compensation, it rejects with a PermanentError.
   */
  waitFor<T = unknown>(signal: string, options: WaitOptions): Promise<WaitOutcome<T>>;
  /**
   * Runs `work` in one database transaction that also records its result: when this node runs
   * again (retry, resume after a crash), the n-th call returns the n-th recorded result without
   * running `work`, so its writes happen once. Call it in the same order on every run. The result
   * must be JSON-serialisable; it is returned as JSON gives it back (undefined → null, Date →
   * string), the first time too. Use only `tx` inside `work` (on PGlite any other query waits for
   * this transaction to end: a deadlock). Needs a durable run
   * (ExecuteOptions.transactions); otherwise it rejects with a PermanentError.
   */
  transaction<T>(work: (tx: TransactionHandle) => Promise<T>): Promise<T>;
}

/** The run-wide state a context reads (internal). */
export interface RunView {
  readonly runId: string;
  readonly event: unknown;
  readonly nodes: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  stopReason: string | undefined;
  readonly waits: WaitProvider | null;
  readonly transactions: TransactionRunner | null;
}

/** The implementation of TaskContext (internal: created by the executor). */
export class NodeContext implements TaskContext<unknown> {
  readonly runId: string;
  readonly event: unknown;
  readonly nodes: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  /** Stop reason requested during this attempt. */
  stopReason: string | undefined = undefined;
  /** Set when a `waitFor` of this attempt suspended the run: the attempt's outcome is then ignored. */
  suspension: SuspendedError | undefined = undefined;
  /** `transaction` calls made so far in this attempt. */
  private transactions = 0;

  constructor(
    private readonly run: RunView,
    readonly nodeId: string,
    readonly attempt: number,
    private readonly scope: Scope | null,
    private readonly compensation: boolean,
  ) {
    this.runId = run.runId;
    this.event = run.event;
    this.nodes = run.nodes;
    this.metadata = run.metadata;
  }

  get signal(): AbortSignal {
    return this.scope === null ? NEVER_ABORTED : this.scope.signal;
  }

  get idempotencyKey(): string {
    const key = `${this.runId}:${this.nodeId}`;
    return this.compensation ? `${key}:compensate` : key;
  }

  get shouldStop(): boolean {
    return this.stopReason !== undefined || this.run.stopReason !== undefined;
  }

  stop(reason: string): void {
    this.stopReason ??= reason;
  }

  output(node: string | { readonly id: string }): never {
    const id = typeof node === 'string' ? node : node.id;
    return this.nodes[id] as never;
  }

  async waitFor<T>(signal: string, options: WaitOptions): Promise<WaitOutcome<T>> {
    const waits = this.run.waits;
    if (this.compensation) throw new PermanentError(`ctx.waitFor is not available in the compensation of node "${this.nodeId}"`);
    if (waits === null) throw new PermanentError(`ctx.waitFor("${signal}") needs a durable run (ExecuteOptions.waits)`);
    const problem = waitRequestProblem(signal, options?.timeoutMs);
    if (problem !== null) throw new PermanentError(`ctx.waitFor in node "${this.nodeId}": ${problem}`);
    const state = await waits.wait({ runId: this.runId, nodeId: this.nodeId, signal, timeoutMs: options.timeoutMs });
    if (state.settled) return state.outcome as WaitOutcome<T>;
    const pending = { nodeId: this.nodeId, signal, deadline: state.deadline };
    if (this.suspension === undefined) this.suspension = new SuspendedError(this.nodeId, [pending]);
    else this.suspension.waits.push(pending);
    throw this.suspension;
  }

  async transaction<T>(work: (tx: TransactionHandle) => Promise<T>): Promise<T> {
    const runner = this.run.transactions;
    if (runner === null) throw new PermanentError(`ctx.transaction in node "${this.nodeId}" needs a durable run (ExecuteOptions.transactions)`);
    const step = {
      runId: this.runId,
      nodeId: this.nodeId,
      kind: this.compensation ? ('compensate' as const) : ('process' as const),
      seq: ++this.transactions,
      attempt: this.attempt,
    };
    return runner.run(step, work);
  }
}
