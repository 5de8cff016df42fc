/**
 * Public definition types: nodes, routers, node configs and workflows (the WorkflowSchema of
 * the GenAI Launchpad model, in TypeScript). Build them with `defineNode`, `defineRouter` and
 * `defineWorkflow` (definition.ts), which validate them.
 */
import type { z, ZodType } from 'zod';
import type { TaskContext } from './context.js';
import type { RetryPolicy } from './retry.js';

/** Options shared by nodes and routers. */
export interface NodeOptions {
  /** Unique within a workflow; the key of the node's output slot in `ctx.nodes`. */
  readonly id: string;
  readonly description?: string;
  /** Retry policy of the node and of its compensation. Default: one attempt. */
  readonly retry?: RetryPolicy;
  /**
   * Per-attempt time limit in ms (also applied to each compensation attempt). When it elapses
   * the attempt's `ctx.signal` fires and the attempt fails with a (retryable) NodeTimeoutError,
   * even if the node ignores its signal. Default: none.
   */
  readonly timeoutMs?: number;
}

/** A unit of work: `process` returns the node's output, stored in `ctx.nodes[id]`. */
export interface NodeDefinition<Event = unknown, Output = unknown> extends NodeOptions {
  readonly kind: 'node';
  readonly process: (ctx: TaskContext<Event>) => Output | Promise<Output>;
  /** Validates (and may normalise) the output; a mismatch is a permanent OutputValidationError. */
  readonly output?: ZodType<Output>;
  /**
   * Undoes the node's effect when a later node fails for good or the run is cancelled. Runs in
   * reverse completion order with the node's retry policy; must be safe to run twice.
   */
  compensate?(ctx: TaskContext<Event>, output: Output): unknown;
}

/**
 * A node that chooses the next node: `route` returns the id of one of its connections (any
 * other value fails the run with a permanent RouterTargetError). A router has no output slot;
 * its decision is recorded as `next` in the journal and in `RunResult.path`.
 */
export interface RouterDefinition<Event = unknown> extends NodeOptions {
  readonly kind: 'router';
  readonly route: (ctx: TaskContext<Event>) => string | Promise<string>;
}

export type AnyNodeDefinition<Event = unknown> = NodeDefinition<Event, unknown> | RouterDefinition<Event>;

/** Children run concurrently after their parent's own `process`. */
export interface ConcurrentConfig {
  /** Ids of the child nodes (each declared in the workflow's `nodes`, reached only from here). */
  readonly nodes: readonly string[];
  /** Maximum children in flight at once. Integer ≥ 1. Default: all of them. */
  readonly limit?: number;
}

/** One entry of a workflow's `nodes` (NodeConfig in the Launchpad model). */
export interface NodeConfig<Event = unknown> {
  readonly node: AnyNodeDefinition<Event>;
  /**
   * Ids of the nodes that may follow. A plain node has at most one (none = the run ends after
   * it); a router has one or more and picks one at run time.
   */
  readonly connections?: readonly string[];
  /** `is_router` of the Launchpad model. Optional: implied by `defineRouter`; must agree with it. */
  readonly router?: boolean;
  /** `concurrent_nodes` of the Launchpad model. Not allowed on a router. */
  readonly concurrent?: ConcurrentConfig;
}

/** What `defineWorkflow` takes. */
export interface WorkflowSpec<Schema extends ZodType> {
  readonly name: string;
  readonly description?: string;
  /** Schema of the triggering event; nodes receive its parsed output as `ctx.event`. */
  readonly event: Schema;
  /** Id of the first node. */
  readonly start: string;
  readonly nodes: readonly NodeConfig<NoInfer<z.output<Schema>>>[];
}

/** A validated workflow definition. Run it with `executeWorkflow`. */
export interface Workflow<Event = unknown> {
  readonly name: string;
  readonly description: string;
  readonly event: ZodType<Event>;
  readonly start: string;
  readonly nodes: readonly NodeConfig<Event>[];
}
