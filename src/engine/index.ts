/**
 * The workflow engine: DAG workflows of nodes, routers and concurrent nodes over a typed event
 * and a task context, with validation at definition, retries, timeouts, compensation, stop,
 * cancellation, a journal for durability, resume, Mermaid diagrams and a registry.
 * It knows nothing about the domain that uses it.
 */
export type { TaskContext } from './context.js';
export { defineNode, defineRouter, defineWorkflow, validateWorkflow } from './definition.js';
export {
  DuplicateWorkflowError,
  EventValidationError,
  NodeTimeoutError,
  OutputValidationError,
  PermanentError,
  ResumeStateError,
  RouterTargetError,
  RunCancelledError,
  SiblingFailedError,
  UnknownWorkflowError,
  WorkflowDefinitionError,
  isPermanent,
  type WorkflowDefinitionErrorCode,
} from './errors.js';
export { executeWorkflow, type ExecuteOptions } from './executor.js';
export type {
  Checkpoint,
  Journal,
  NodeFailedEvent,
  NodeStartedEvent,
  NodeSucceededEvent,
  ResumeState,
  RunError,
  RunResult,
  RunStartedEvent,
  RunStatus,
  StepKind,
} from './journal.js';
export { toMermaid } from './mermaid.js';
export {
  WorkflowRegistry,
  type NodeDescription,
  type WorkflowDescription,
  type WorkflowSummary,
} from './registry.js';
export { DEFAULT_RETRY, backoffDelay, type ResolvedRetryPolicy, type RetryPolicy } from './retry.js';
export type {
  AnyNodeDefinition,
  ConcurrentConfig,
  NodeConfig,
  NodeDefinition,
  NodeOptions,
  RouterDefinition,
  Workflow,
  WorkflowSpec,
} from './types.js';
