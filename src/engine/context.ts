/** The task context every node reads: the run's event, earlier outputs, metadata, stop. */
import { NEVER_ABORTED, type Scope } from './scope.js';

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
  output<N extends { readonly id: string; readonly process: (ctx: never) => unknown }>(
    node: N,
  ): Awaited<ReturnType<N['process']>> | undefined;
  /** The output of a finished node by id; undefined if it has not run. */
  output<T = unknown>(nodeId: string): T | undefined;
}

/** The run-wide state a context reads (internal). */
export interface RunView {
  readonly runId: string;
  readonly event: unknown;
  readonly nodes: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  stopReason: string | undefined;
}

/** The implementation of TaskContext (internal: created by the executor). */
export class NodeContext implements TaskContext<unknown> {
  readonly runId: string;
  readonly event: unknown;
  readonly nodes: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  /** Stop reason requested during this attempt. */
  stopReason: string | undefined = undefined;

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
}
