/** Retry policy, backoff computation and an abortable sleep. */
import type { Scope } from './scope.js';

/** How a node (and its compensation) is retried. Every field is optional; defaults below. */
export interface RetryPolicy {
  /** Total attempts, the first included. Integer ≥ 1. Default 1 (no retry). */
  readonly maxAttempts?: number;
  /** Delay before the 2nd attempt, in ms. Default 100. */
  readonly initialDelayMs?: number;
  /** Upper bound of any delay, in ms. Default 10 000. */
  readonly maxDelayMs?: number;
  /** Multiplier applied per further attempt. ≥ 1. Default 2. */
  readonly backoffFactor?: number;
  /** Full jitter: the delay is uniformly drawn in [0, computed delay). Default true. */
  readonly jitter?: boolean;
}

export type ResolvedRetryPolicy = Required<RetryPolicy>;

export const DEFAULT_RETRY: ResolvedRetryPolicy = Object.freeze({
  maxAttempts: 1,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  backoffFactor: 2,
  jitter: true,
});

export function resolveRetryPolicy(policy: RetryPolicy | undefined): ResolvedRetryPolicy {
  if (policy === undefined) return DEFAULT_RETRY;
  return {
    maxAttempts: policy.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    initialDelayMs: policy.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs,
    maxDelayMs: policy.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    backoffFactor: policy.backoffFactor ?? DEFAULT_RETRY.backoffFactor,
    jitter: policy.jitter ?? DEFAULT_RETRY.jitter,
  };
}

/** Returns a description of what is wrong with a policy, or null when it is valid. */
export function retryPolicyProblem(p: ResolvedRetryPolicy): string | null {
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1) return 'retry.maxAttempts must be an integer ≥ 1';
  if (!(p.initialDelayMs >= 0)) return 'retry.initialDelayMs must be ≥ 0';
  if (!(p.maxDelayMs >= 0)) return 'retry.maxDelayMs must be ≥ 0';
  if (!(p.backoffFactor >= 1)) return 'retry.backoffFactor must be ≥ 1';
  return null;
}

/**
 * Delay in ms before the attempt that follows failed attempt number `failedAttempt` (1-based):
 * `min(maxDelayMs, initialDelayMs * backoffFactor^(failedAttempt-1))`, multiplied by `random()`
 * (in [0, 1)) when jitter is on ("full jitter").
 */
export function backoffDelay(failedAttempt: number, policy: ResolvedRetryPolicy, random: () => number = Math.random): number {
  const exp = policy.initialDelayMs * policy.backoffFactor ** (failedAttempt - 1);
  const capped = Math.min(policy.maxDelayMs, exp);
  return policy.jitter ? capped * random() : capped;
}

/**
 * Resolves after `ms`, or rejects with the scope's abort reason as soon as `scope` aborts
 * (immediately if it already has).
 */
export function sleep(ms: number, scope: Scope | null): Promise<void> {
  if (scope === null) return new Promise((resolve) => setTimeout(resolve, ms));
  if (scope.aborted) return Promise.reject(scope.reason);
  return new Promise((resolve, reject) => {
    const unsubscribe = scope.subscribe((reason) => {
      clearTimeout(timer);
      reject(reason);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      resolve();
    }, ms);
  });
}
