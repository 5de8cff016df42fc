import type { Checkpoint, RunError, RunResult } from '../journal.js';
import { runColumns, toRunRecord, toStepRecord, type DurableRunStatus, type RunRecord, type StepRecord } from './records.js';
import type { EngineSql, EngineSqlExecutor } from './sql.js';

/** What a new run starts with. */
export interface NewRun {
  workflow: string;
  event: unknown;
  metadata?: Record<string, unknown>;
  /** Same workflow + key → the existing run is returned instead of a new one. */
  idempotencyKey?: string;
}

export interface RunFilter {
  workflow?: string;
  status?: DurableRunStatus;
  limit: number;
  offset: number;
}

/** Steps of one finished attempt, written when the attempt ends (one statement per node). */
export interface StepWrite {
  runId: string;
  nodeId: string;
  kind: 'process' | 'compensate';
  attempt: number;
  status: 'succeeded' | 'failed' | 'cancelled' | 'waiting';
  output?: unknown;
  next?: string | null;
  stopReason?: string;
  error?: unknown;
  durationMs: number;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** The parameters of `insertStepFrom`, in its order (9 values). */
const stepParams = (step: StepWrite): unknown[] => [
  step.nodeId,
  step.kind,
  step.attempt,
  step.status,
  json(step.output),
  step.next ?? null,
  step.stopReason ?? null,
  json(step.error),
  step.durationMs,
];

/**
 * The INSERT of one step row for the run id that `source` (a CTE returning the run's `id` only
 * while this worker holds the lease) selects; its `stepParams` are numbered from `$first`.
 */
function insertStepFrom(source: string, first: number): string {
  const p = (i: number): string => `$${first + i}`;
  return `INSERT INTO workflow_steps (run_id, node_id, kind, attempt, status, output, next_node, stop_reason, error,
                                     started_at, finished_at, duration_ms)
       SELECT id, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)},
              now() - make_interval(secs => ${p(8)}::double precision / 1000), now(), ${p(8)}
       FROM ${source}
       ON CONFLICT (run_id, node_id, kind, attempt) DO NOTHING`;
}

/** workflow_runs / workflow_steps persistence. Every write that needs the lease checks `lease_owner`. */
export class RunStore {
  constructor(readonly sql: EngineSql) {}

  /** Inserts a queued run, or returns the existing one for the same workflow + idempotency key. */
  async create(run: NewRun, executor: EngineSqlExecutor = this.sql): Promise<{ run: RunRecord; created: boolean }> {
    const inserted = await executor.query<Record<string, unknown>>(
      `INSERT INTO workflow_runs (workflow_name, event, metadata, idempotency_key)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (workflow_name, idempotency_key) DO NOTHING
       RETURNING ${runColumns}`,
      [run.workflow, json(run.event), json(run.metadata ?? {}), run.idempotencyKey ?? null],
    );
    if (inserted[0]) return { run: toRunRecord(inserted[0]), created: true };
    const existing = await executor.query<Record<string, unknown>>(`SELECT ${runColumns} FROM workflow_runs WHERE workflow_name = $1 AND idempotency_key = $2`, [
      run.workflow,
      run.idempotencyKey ?? null,
    ]);
    if (!existing[0]) throw new Error(`run with idempotency key ${run.idempotencyKey} vanished`);
    return { run: toRunRecord(existing[0]), created: false };
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const rows = await this.sql.query<Record<string, unknown>>(`SELECT ${runColumns} FROM workflow_runs WHERE id = $1`, [runId]);
    return rows[0] ? toRunRecord(rows[0]) : undefined;
  }

  async list(filter: RunFilter): Promise<{ runs: RunRecord[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.workflow) where.push(`workflow_name = $${params.push(filter.workflow)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, count] = await Promise.all([
      this.sql.query<Record<string, unknown>>(
        `SELECT ${runColumns} FROM workflow_runs ${clause} ORDER BY created_at DESC, id
         LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, filter.limit, filter.offset],
      ),
      this.sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM workflow_runs ${clause}`, params),
    ]);
    return { runs: rows.map(toRunRecord), total: Number(count[0]?.total ?? 0) };
  }

  async steps(runId: string): Promise<StepRecord[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT node_id, kind, attempt, status, output, next_node, stop_reason, error, started_at, finished_at, duration_ms
       FROM workflow_steps WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    return rows.map(toStepRecord);
  }

  /**
   * Takes the lease of a run that is queued, or whose previous worker's lease expired.
   * Returns undefined when another worker holds it or it is finished.
   */
  async claim(runId: string, owner: string, leaseMs: number): Promise<RunRecord | undefined> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `UPDATE workflow_runs
       SET status = CASE WHEN status = 'compensating' THEN status ELSE 'running' END,
           attempt = attempt + 1, lease_owner = $2,
           lease_expires_at = now() + make_interval(secs => $3::double precision / 1000),
           started_at = coalesce(started_at, now()), updated_at = now()
       WHERE id = $1 AND (status = 'queued' OR (status IN ('running', 'compensating') AND lease_expires_at < now()))
       RETURNING ${runColumns}`,
      [runId, owner, leaseMs],
    );
    return rows[0] ? toRunRecord(rows[0]) : undefined;
  }

  /** `claim` for several runs in one statement, with `executor` (e.g. the queue's open transaction). */
  async claimMany(runIds: readonly string[], owner: string, leaseMs: number, executor: EngineSqlExecutor): Promise<Map<string, RunRecord>> {
    const rows = await executor.query<Record<string, unknown>>(
      `UPDATE workflow_runs
       SET status = CASE WHEN status = 'compensating' THEN status ELSE 'running' END,
           attempt = attempt + 1, lease_owner = $2,
           lease_expires_at = now() + make_interval(secs => $3::double precision / 1000),
           started_at = coalesce(started_at, now()), updated_at = now()
       WHERE id = ANY ($1::uuid[]) AND (status = 'queued' OR (status IN ('running', 'compensating') AND lease_expires_at < now()))
       RETURNING ${runColumns}`,
      [runIds, owner, leaseMs],
    );
    return new Map(rows.map((row) => [String(row.id), toRunRecord(row)]));
  }

  /** Finished process checkpoints in completion order, and the highest attempt number per node and kind. */
  async resumeState(runId: string): Promise<{ completed: Checkpoint[]; attempts: Map<string, number> }> {
    const rows = await this.steps(runId);
    const completed: Checkpoint[] = [];
    const attempts = new Map<string, number>();
    for (const step of rows) {
      const key = `${step.kind}:${step.nodeId}`;
      attempts.set(key, Math.max(attempts.get(key) ?? 0, step.attempt));
      if (step.kind === 'process' && step.status === 'succeeded') {
        completed.push({ nodeId: step.nodeId, output: step.output, next: step.next, ...(step.stopReason ? { stopReason: step.stopReason } : {}) });
      }
    }
    return { completed, attempts };
  }

  /**
   * Records one finished attempt and, in the same statement, moves `current_node` and extends the
   * lease. Returns false when this worker no longer holds the lease.
   */
  async recordStep(step: StepWrite, owner: string, currentNode: string | null, leaseMs: number): Promise<boolean> {
    const rows = await this.sql.query(
      `WITH lease AS (
         UPDATE workflow_runs
         SET current_node = $11, lease_expires_at = now() + make_interval(secs => $12::double precision / 1000), updated_at = now()
         WHERE id = $10 AND lease_owner = $13
         RETURNING id
       )
       ${insertStepFrom('lease', 1)}
       RETURNING 1 AS ok`,
      [...stepParams(step), step.runId, currentNode, leaseMs, owner],
    );
    return rows.length > 0;
  }

  /** Marks the run as compensating (first compensation step). */
  async markCompensating(runId: string, owner: string): Promise<void> {
    await this.sql.query(`UPDATE workflow_runs SET status = 'compensating', updated_at = now() WHERE id = $1 AND lease_owner = $2`, [runId, owner]);
  }

  /**
   * Extends the lease. Returns `lost` when another worker took the run, `cancel` when a
   * cancellation was requested, else `held`.
   */
  async heartbeat(runId: string, owner: string, leaseMs: number): Promise<'held' | 'lost' | 'cancel'> {
    const rows = await this.sql.query<{ cancel: boolean }>(
      `UPDATE workflow_runs SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
       WHERE id = $1 AND lease_owner = $2
       RETURNING cancel_requested_at IS NOT NULL AS cancel`,
      [runId, owner, leaseMs],
    );
    if (!rows[0]) return 'lost';
    return rows[0].cancel ? 'cancel' : 'held';
  }

  /**
   * Writes the final status and releases the lease; with `lastStep`, records that checkpoint in the
   * same statement (one transaction for the last node and the end of the run). Returns false when
   * the lease was lost (then neither is written).
   */
  async finish(runId: string, owner: string, result: RunResult, lastStep?: StepWrite): Promise<boolean> {
    const error: RunError | undefined = result.compensationError ?? result.error;
    const params: unknown[] = [runId, owner, result.status, json(error), result.stopReason ?? null, json({ path: result.path, compensated: result.compensated })];
    const finishRun = `UPDATE workflow_runs
       SET status = $3, error = $4, stop_reason = $5, current_node = NULL, lease_owner = NULL, lease_expires_at = NULL,
           finished_at = now(), updated_at = now(), result = $6
       WHERE id = $1 AND lease_owner = $2 RETURNING id`;
    if (!lastStep) return (await this.sql.query(finishRun, params)).length > 0;
    const rows = await this.sql.query(`WITH run AS (${finishRun}), step AS (${insertStepFrom('run', 7)}) SELECT 1 FROM run`, [...params, ...stepParams(lastStep)]);
    return rows.length > 0;
  }

  /** Fails a run without executing it (e.g. its workflow is unknown to this deployment). */
  async failUnstarted(runId: string, owner: string, error: RunError): Promise<void> {
    await this.sql.query(
      `UPDATE workflow_runs SET status = 'failed', error = $3, lease_owner = NULL, lease_expires_at = NULL,
         finished_at = now(), updated_at = now() WHERE id = $1 AND lease_owner = $2`,
      [runId, owner, json(error)],
    );
  }

  /**
   * Cancels a queued run at once, or asks the worker holding a running one to cancel. A waiting
   * run is queued again (status `queued` after the call: enqueue it), and the worker that takes it
   * compensates it. Returns the run after the request, or undefined when the run does not exist.
   */
  async requestCancel(runId: string): Promise<RunRecord | undefined> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `UPDATE workflow_runs
       SET cancel_requested_at = coalesce(cancel_requested_at, now()),
           status = CASE status WHEN 'queued' THEN 'cancelled' WHEN 'waiting' THEN 'queued' ELSE status END,
           finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
           waiting_for = NULL, waiting_until = NULL,
           updated_at = now()
       WHERE id = $1
       RETURNING ${runColumns}`,
      [runId],
    );
    return rows[0] ? toRunRecord(rows[0]) : undefined;
  }

  /** Puts a failed run back in the queue; its succeeded checkpoints stay, so it resumes at the failed node. */
  async requeueFailed(runId: string): Promise<RunRecord | undefined> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `UPDATE workflow_runs
       SET status = 'queued', error = NULL, finished_at = NULL, current_node = NULL, cancel_requested_at = NULL, updated_at = now()
       WHERE id = $1 AND status = 'failed'
         AND NOT EXISTS (SELECT 1 FROM workflow_steps s WHERE s.run_id = $1 AND s.kind = 'compensate' AND s.status = 'succeeded')
       RETURNING ${runColumns}`,
      [runId],
    );
    return rows[0] ? toRunRecord(rows[0]) : undefined;
  }

  /**
   * Runs that need a worker again: leases that expired (their worker died), queued runs whose
   * queue job may have been lost (queued for longer than `staleQueuedMs`), and waiting runs whose
   * earliest wait timed out (queued again here). Touches them so that concurrent sweepers do not
   * return the same run twice in one period.
   */
  async sweep(staleQueuedMs: number): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(
      `WITH stale AS (
         UPDATE workflow_runs SET updated_at = now()
         WHERE id IN (
           SELECT id FROM workflow_runs
           WHERE (status IN ('running', 'compensating') AND lease_expires_at < now())
              OR (status = 'queued' AND updated_at < now() - make_interval(secs => $1::double precision / 1000))
           ORDER BY updated_at
           LIMIT 100
           FOR UPDATE SKIP LOCKED
         )
         RETURNING id
       ), expired AS (
         UPDATE workflow_runs SET status = 'queued', waiting_for = NULL, waiting_until = NULL, updated_at = now()
         WHERE id IN (
           SELECT id FROM workflow_runs WHERE status = 'waiting' AND waiting_until <= now()
           ORDER BY waiting_until
           LIMIT 100
           FOR UPDATE SKIP LOCKED
         )
         RETURNING id
       )
       SELECT id FROM stale UNION ALL SELECT id FROM expired`,
      [staleQueuedMs],
    );
    return rows.map((r) => r.id);
  }
}
