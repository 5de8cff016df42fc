/**
 * The workflow engine: DAG workflows of nodes, routers and concurrent nodes over a typed event
 * and a task context, with validation at definition, retries, timeouts, compensation, stop,
 * cancellation, a journal for durability, resume, durable waits for signals, transactional steps,
 * Mermaid diagrams, a registry, and the durable engine (runs in the database, workers on a queue).
 * It knows nothing about the domain that uses it; the domain uses it only through this module.
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
  SuspendedError,
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
  NodeSuspendedEvent,
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
export type { TransactionHandle, TransactionRunner, TransactionStep } from './transaction.js';
export type { PendingWait, WaitOptions, WaitOutcome, WaitProvider, WaitRequest, WaitState } from './waits.js';
export { WorkflowEngine, type StartOptions, type WorkflowEngineOptions } from './durable/engine.js';
export {
  finalStatuses,
  isFinal,
  isSettled,
  runStatuses,
  type DurableRunStatus,
  type RunRecord,
  type StepRecord,
} from './durable/records.js';
export { engineMigrations, migrateEngine, type EngineMigration } from './durable/schema.js';
export { redactWorkflowData } from './durable/redact.js';
export type { EngineSql, EngineSqlExecutor } from './durable/sql.js';
export type { RunFilter } from './durable/store.js';
export type { TransactionOpener } from './durable/transactions.js';
export type { SignalResult } from './durable/waits.js';
export type { NodeView, RunView } from './durable/view.js';
export type { QueueHandlers, WorkflowQueue } from './queue/types.js';
export { BullMqQueue, type BullMqQueueOptions } from './queue/bullmq.js';
export { PgBossQueue, inProcessWakeChannel, type PgBossQueueOptions, type PgBossSql, type WakeChannel } from './queue/pgboss.js';
export { postgresWakeChannel, type PostgresWakeOptions } from './queue/wake-postgres.js';
