/**
 * Transactional steps: `ctx.transaction(work)` runs `work` in one database transaction and records
 * its result in that same transaction, so a node run again (retry, or resume after a crash between
 * the commit and the node's checkpoint) gets the recorded result instead of running `work` twice.
 * The executor only knows the contract below; a durable layer provides it
 * (src/engine/durable/transactions.ts).
 */
import type { StepKind } from './journal.js';

/**
 * What `work` receives. Empty in the engine, which knows no domain: the application declares its
 * members by declaration merging, in one place, and passes a matching `transactions` opener to the
 * WorkflowEngine, e.g.
 *
 *     declare module '../engine/index.js' {
 *       interface TransactionHandle { readonly orm: Orm; readonly sql: SqlExecutor }
 *     }
 *
 * Without an opener the durable engine gives `{ sql }` (its own EngineSqlExecutor on the
 * transaction's connection).
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface, so an application can augment it with its own handles
export interface TransactionHandle {}

/** Identifies one `ctx.transaction` call: the seq-th call within one execution of a node (or of its compensation). */
export interface TransactionStep {
  readonly runId: string;
  readonly nodeId: string;
  readonly kind: StepKind;
  /** 1-based; counts the calls within one attempt, so a re-run's n-th call maps to the first run's n-th. */
  readonly seq: number;
  /** The executor's attempt number of the node (1 on a node's first attempt in this execution). */
  readonly attempt: number;
}

/**
 * Runs and records transactional steps for the executor (ExecuteOptions.transactions). `run`
 * returns the recorded result of `step` when there is one, without calling `work`; otherwise it
 * calls `work` in a transaction that also records the result (as JSON) and commits both, or neither.
 */
export interface TransactionRunner {
  run<T>(step: TransactionStep, work: (tx: TransactionHandle) => Promise<T>): Promise<T>;
}
