/**
 * Error classes of the workflow engine. They double as control signals: a node throws
 * `PermanentError` to say "do not retry"; the executor throws or records the others.
 *
 * Retry rule (see `isPermanent`): `PermanentError` and its subclasses (`OutputValidationError`,
 * `RouterTargetError`, `RunCancelledError`, `SiblingFailedError`, `EventValidationError`) are
 * never retried; every other error, `NodeTimeoutError` included, is retried while the node's
 * `retry.maxAttempts` allows.
 */
import type { PendingWait } from './waits.js';

/** Thrown by a node to fail its run without retrying (bad input, card declined, ...). */
export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Why a workflow definition was rejected. */
export type WorkflowDefinitionErrorCode =
  | 'invalid_workflow'
  | 'invalid_node'
  | 'duplicate_id'
  | 'unknown_start'
  | 'unknown_target'
  | 'duplicate_connection'
  | 'multiple_connections'
  | 'router_without_connections'
  | 'router_mismatch'
  | 'router_concurrent'
  | 'unknown_concurrent_node'
  | 'concurrent_child_conflict'
  | 'invalid_option'
  | 'cycle'
  | 'unreachable';

/** A workflow definition is invalid. Thrown by `defineWorkflow` and `WorkflowRegistry.register`. */
export class WorkflowDefinitionError extends Error {
  override name = 'WorkflowDefinitionError';
  constructor(
    readonly workflow: string,
    /** The node at fault (for a cycle: the node where the cycle was found). */
    readonly node: string,
    readonly code: WorkflowDefinitionErrorCode,
    detail: string,
  ) {
    super(`workflow "${workflow}", node "${node}": ${detail} [${code}]`);
  }
}

/** A router returned a node id that is not among its declared connections. Permanent. */
export class RouterTargetError extends PermanentError {
  override name = 'RouterTargetError';
  constructor(
    readonly node: string,
    readonly target: unknown,
    readonly allowed: readonly string[],
  ) {
    super(`router "${node}" returned ${JSON.stringify(target) ?? String(target)}, ` + `which is not one of its connections (${allowed.join(', ')})`);
  }
}

/** A node attempt ran longer than its `timeoutMs`. Retryable. */
export class NodeTimeoutError extends Error {
  override name = 'NodeTimeoutError';
  constructor(
    readonly node: string,
    readonly timeoutMs: number,
  ) {
    super(`node "${node}" timed out after ${timeoutMs} ms`);
  }
}

/** The run was cancelled from outside (its `signal` fired). Never retried. */
export class RunCancelledError extends PermanentError {
  override name = 'RunCancelledError';
  constructor(reason?: unknown) {
    super('run cancelled', reason === undefined ? undefined : { cause: reason });
  }
}

/** Abort reason given to concurrent siblings when one of them failed for good. */
export class SiblingFailedError extends PermanentError {
  override name = 'SiblingFailedError';
  constructor(readonly node: string) {
    super(`concurrent sibling "${node}" failed`);
  }
}

/** A node's output did not match its `output` schema. Permanent. */
export class OutputValidationError extends PermanentError {
  override name = 'OutputValidationError';
  constructor(
    readonly node: string,
    /** The Zod issues. */
    readonly issues: readonly unknown[],
    summary: string,
  ) {
    super(`output of node "${node}" is invalid: ${summary}`);
  }
}

/** The event given to `executeWorkflow` did not match the workflow's `event` schema. */
export class EventValidationError extends PermanentError {
  override name = 'EventValidationError';
  constructor(
    readonly workflow: string,
    readonly issues: readonly unknown[],
    summary: string,
  ) {
    super(`event of workflow "${workflow}" is invalid: ${summary}`);
  }
}

/** `resume.completed` does not fit the workflow (unknown node, impossible `next`). */
export class ResumeStateError extends PermanentError {
  override name = 'ResumeStateError';
}

/** `WorkflowRegistry.get` / `describe` of a name that was never registered. */
export class UnknownWorkflowError extends Error {
  override name = 'UnknownWorkflowError';
  constructor(readonly workflow: string) {
    super(`unknown workflow "${workflow}"`);
  }
}

/** `WorkflowRegistry.register` of a name that is already taken. */
export class DuplicateWorkflowError extends Error {
  override name = 'DuplicateWorkflowError';
  constructor(readonly workflow: string) {
    super(`workflow "${workflow}" is already registered`);
  }
}

/**
 * Control signal, not a failure: thrown by `ctx.waitFor` when the signal has not arrived and the
 * deadline has not passed. The attempt ends, nothing is retried or compensated, and the run is
 * suspended (status `waiting`) until the signal or the deadline; then the node runs again from its
 * beginning. A node must let it propagate; the executor recognises the suspension even if the node
 * catches it and throws or returns something else.
 */
export class SuspendedError extends Error {
  override name = 'SuspendedError';
  constructor(
    readonly node: string,
    /** The waits the attempt suspended on (several when it waited on more than one signal at once). */
    readonly waits: PendingWait[],
  ) {
    super(`node "${node}" waits for ${waits.map((w) => `"${w.signal}" until ${w.deadline}`).join(', ')}`);
  }
}

/** True when an error must not be retried. */
export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentError;
}
