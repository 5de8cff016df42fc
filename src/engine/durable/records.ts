import type { RunError } from '../journal.js';

/**
 * Statuses a durable run moves through: `queued` → `running` → a final status. A run whose node
 * waits for a signal goes `running` → `waiting` → `queued` (signal, deadline or cancel) → `running` …
 */
export const runStatuses = ['queued', 'running', 'waiting', 'compensating', 'succeeded', 'failed', 'stopped', 'cancelled', 'compensated'] as const;
export type DurableRunStatus = (typeof runStatuses)[number];
/** Statuses a run never leaves (except `failed`, through an explicit retry). */
export const finalStatuses: ReadonlySet<DurableRunStatus> = new Set(['succeeded', 'failed', 'stopped', 'cancelled', 'compensated']);

/** True for a final status. */
export const isFinal = (status: DurableRunStatus): boolean => finalStatuses.has(status);

/**
 * True when the run cannot progress by itself right now: a final status, or `waiting` (it needs a
 * signal, its deadline or a cancel). What `engine.waitFor` waits for.
 */
export const isSettled = (status: DurableRunStatus): boolean => status === 'waiting' || finalStatuses.has(status);

/** One workflow_runs row. Instants are ISO strings. */
export interface RunRecord {
  id: string;
  workflow: string;
  status: DurableRunStatus;
  event: unknown;
  metadata: Record<string, unknown>;
  idempotencyKey: string | null;
  currentNode: string | null;
  stopReason: string | null;
  error: RunError | null;
  attempt: number;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  cancelRequestedAt: string | null;
  retryOf: string | null;
  /** Status waiting: the signals it waits for; otherwise null. */
  waitingFor: string[] | null;
  /** Status waiting: when the earliest of its waits times out (ISO); otherwise null. */
  waitingUntil: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** One workflow_steps row: one attempt of one node (or of its compensation). */
export interface StepRecord {
  nodeId: string;
  kind: 'process' | 'compensate';
  attempt: number;
  /** `waiting`: the attempt suspended the run on `ctx.waitFor` (output: `{ waits }`). */
  status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'waiting';
  output: unknown;
  next: string | null;
  stopReason: string | null;
  error: unknown;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export const runColumns = `id, workflow_name, status, event, metadata, idempotency_key, current_node, stop_reason,
  error, attempt, lease_owner, lease_expires_at, cancel_requested_at, retry_of, waiting_for, waiting_until, created_at, started_at, finished_at`;

export type RunRow = Record<string, unknown>;

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: String(row.id),
    workflow: String(row.workflow_name),
    status: row.status as DurableRunStatus,
    event: row.event,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    currentNode: (row.current_node as string | null) ?? null,
    stopReason: (row.stop_reason as string | null) ?? null,
    error: (row.error as RunError | null) ?? null,
    attempt: Number(row.attempt ?? 0),
    leaseOwner: (row.lease_owner as string | null) ?? null,
    leaseExpiresAt: iso(row.lease_expires_at),
    cancelRequestedAt: iso(row.cancel_requested_at),
    retryOf: (row.retry_of as string | null) ?? null,
    waitingFor: (row.waiting_for as string[] | null) ?? null,
    waitingUntil: iso(row.waiting_until),
    createdAt: iso(row.created_at) ?? '',
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

export function toStepRecord(row: RunRow): StepRecord {
  return {
    nodeId: String(row.node_id),
    kind: row.kind as StepRecord['kind'],
    attempt: Number(row.attempt),
    status: row.status as StepRecord['status'],
    output: row.output ?? null,
    next: (row.next_node as string | null) ?? null,
    stopReason: (row.stop_reason as string | null) ?? null,
    error: row.error ?? null,
    startedAt: iso(row.started_at) ?? '',
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms === null || row.duration_ms === undefined ? null : Number(row.duration_ms),
  };
}
