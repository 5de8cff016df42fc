/**
 * Durable waits: `ctx.waitFor(signal, { timeoutMs })` lets a node wait for something from outside
 * the run (a human's answer, an e-mailed link) for as long as hours or days, without holding a
 * worker. The executor only knows the contract below; a durable layer provides it
 * (src/engine/durable/waits.ts stores waits and signals in the database).
 */

/** What `ctx.waitFor` resolves with: the signal's payload, or `received: false` when the wait timed out. */
export type WaitOutcome<T = unknown> =
  | { readonly received: true; readonly payload: T /** When the signal was stored (ISO). */; readonly receivedAt: string }
  | { readonly received: false };

export interface WaitOptions {
  /**
   * How long to wait, in ms, from the first time this node waits on this signal (the deadline is
   * recorded then and never extended by a retry or a resume). Integer ≥ 1.
   */
  readonly timeoutMs: number;
}

/** One wait of one node, as the executor asks a WaitProvider about it. */
export interface WaitRequest {
  readonly runId: string;
  readonly nodeId: string;
  readonly signal: string;
  readonly timeoutMs: number;
}

/** A wait that has neither its signal nor a passed deadline; the run suspends on it. */
export interface PendingWait {
  readonly nodeId: string;
  readonly signal: string;
  /** When the wait times out (ISO instant, in the provider's clock). */
  readonly deadline: string;
}

/** The state of a wait: settled with its outcome, or pending until `deadline`. */
export type WaitState = { readonly settled: true; readonly outcome: WaitOutcome<unknown> } | { readonly settled: false; readonly deadline: string };

/**
 * Answers waits for the executor (ExecuteOptions.waits). `wait` records the wait's deadline the
 * first time it is asked about a (run, node, signal) and must answer the same outcome every time
 * once settled: a signal counts only if it arrived no later than the deadline.
 */
export interface WaitProvider {
  wait(request: WaitRequest): Promise<WaitState>;
}

/** Longest signal name, in characters. */
export const MAX_SIGNAL_LENGTH = 200;

/** Why a signal name or wait timeout is unusable, or null when both are fine. */
export function waitRequestProblem(signal: unknown, timeoutMs: unknown): string | null {
  if (typeof signal !== 'string' || signal.length === 0 || signal.length > MAX_SIGNAL_LENGTH) {
    return `signal must be a string of 1 to ${MAX_SIGNAL_LENGTH} characters`;
  }
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1) {
    return `timeoutMs must be an integer ≥ 1 (got ${String(timeoutMs)})`;
  }
  return null;
}
