/**
 * The contract between the executor and a durable layer: the journal it is told about, the
 * checkpoints it can resume from, and the result of a run.
 *
 * A durable layer implements `Journal` (one `workflow_runs` row per run, one `workflow_steps` row
 * per node attempt), and after a crash calls `executeWorkflow` again with the same `runId`,
 * event and `resume.completed` = the succeeded `process` steps it stored, in completion order.
 */
import type { PendingWait } from './waits.js';

/** 'process' = the node's work (or a router's `route`); 'compensate' = its undo. */
export type StepKind = 'process' | 'compensate';

export type RunStatus =
  /** Every node on the path finished. */
  | 'succeeded'
  /** A node failed for good and nothing was compensated, or a compensation failed for good. */
  | 'failed'
  /** A node called `ctx.stop(reason)`. */
  | 'stopped'
  /** The run's signal fired; finished nodes were compensated (without error). */
  | 'cancelled'
  /** A node failed for good; at least one finished node was compensated, all without error. */
  | 'compensated'
  /**
   * Not final: a node waits for a signal (`ctx.waitFor`), see `RunResult.waits`. Nothing was
   * compensated; run it again (resume from the checkpoints) once a signal arrived or a deadline passed.
   */
  | 'waiting';

/** A failure, serialisable as JSON. */
export interface RunError {
  /** The node at fault; null when the run failed before any node (bad event, cancelled between nodes). */
  readonly nodeId: string | null;
  readonly kind: StepKind;
  /** The error class name: PermanentError, NodeTimeoutError, RouterTargetError, TypeError, ... */
  readonly name: string;
  readonly message: string;
  /** True when the error class forbids retries; false when retries were exhausted. */
  readonly permanent: boolean;
  /** Attempts made (0 when no attempt ran). */
  readonly attempts: number;
  /** Zod issues of an EventValidationError or OutputValidationError. */
  readonly details?: readonly unknown[];
}

export interface RunResult {
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatus;
  /** Outputs by node id (restored checkpoints included). */
  readonly nodes: Readonly<Record<string, unknown>>;
  /** Nodes that finished, in completion order (routers included, restored nodes first). */
  readonly path: readonly string[];
  /** Nodes whose compensation succeeded, in the order they ran. */
  readonly compensated: readonly string[];
  readonly stopReason?: string;
  /** Why the run did not succeed (status failed, cancelled or compensated). */
  readonly error?: RunError;
  /** The compensation that failed for good (later compensations were not run). */
  readonly compensationError?: RunError;
  /** Status waiting: what the run waits for (one entry per waiting node and signal). */
  readonly waits?: readonly PendingWait[];
}

/** A finished node from an earlier attempt of the same run. */
export interface Checkpoint {
  readonly nodeId: string;
  readonly output: unknown;
  /** As recorded by `nodeSucceeded`: where the run went next (the router's choice), or null. */
  readonly next: string | null;
  /** As recorded by `nodeSucceeded`, when the node stopped the run. */
  readonly stopReason?: string;
}

export interface ResumeState {
  /** Checkpoints in completion order; finished nodes are restored, not run again. */
  readonly completed: readonly Checkpoint[];
}

export interface RunStartedEvent {
  readonly runId: string;
  readonly workflow: string;
  /** The event as given (before parsing). */
  readonly event: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Number of checkpoints restored from `resume`. */
  readonly restored: number;
}

export interface NodeStartedEvent {
  readonly runId: string;
  readonly nodeId: string;
  readonly attempt: number;
  readonly kind: StepKind;
}

/**
 * A node attempt finished: the checkpoint. For kind 'process' store `output`, `next` and
 * `stopReason`; they are what `Checkpoint` needs.
 */
export interface NodeSucceededEvent extends NodeStartedEvent {
  /** The (validated) output; undefined for a router. For 'compensate': what compensate returned. */
  readonly output: unknown;
  /**
   * The node the run goes to next: the router's choice, a plain node's connection; null for a
   * terminal node, a concurrent child, a compensation, or when the node stopped the run.
   */
  readonly next: string | null;
  readonly stopReason?: string;
  /** Wall time of the attempt in ms (0 unless the journal has nodeSucceeded or nodeFailed). */
  readonly durationMs: number;
}

export interface NodeFailedEvent extends NodeStartedEvent {
  readonly error: unknown;
  readonly permanent: boolean;
  readonly willRetry: boolean;
  /** Delay before the next attempt, in ms; null when there is none. */
  readonly retryDelayMs: number | null;
  readonly durationMs: number;
}

/** A node attempt suspended the run on `ctx.waitFor` (not a failure; no retry follows). */
export interface NodeSuspendedEvent extends NodeStartedEvent {
  readonly waits: readonly PendingWait[];
  readonly durationMs: number;
}

/**
 * Hooks told about a run as it progresses. Every method is optional; each may return a promise,
 * which the executor awaits before going on (so a checkpoint is stored before the next node
 * starts). If a method throws or rejects, `executeWorkflow` rejects with that error at once
 * (after in-flight concurrent siblings settle) and compensates nothing: the durable state is
 * unknown, and the run can be resumed later.
 */
export interface Journal {
  runStarted?(event: RunStartedEvent): void | Promise<void>;
  nodeStarted?(event: NodeStartedEvent): void | Promise<void>;
  nodeSucceeded?(event: NodeSucceededEvent): void | Promise<void>;
  nodeFailed?(event: NodeFailedEvent): void | Promise<void>;
  nodeSuspended?(event: NodeSuspendedEvent): void | Promise<void>;
  /** The run ended, or (status `waiting`) suspended. */
  runFinished?(result: RunResult): void | Promise<void>;
}
