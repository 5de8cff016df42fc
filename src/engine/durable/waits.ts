/**
 * Durable waits in the database: deadlines (workflow_waits), signals (workflow_signals) and the
 * `waiting` status of workflow_runs. Every instant is the database's `now()`.
 *
 * No wake-up is lost: `signal` and `suspend` both lock the run row first and read the other's
 * writes in a later statement of their transaction, so whichever commits second sees the first.
 */
import type { PendingWait, WaitProvider, WaitRequest, WaitState } from '../waits.js';
import { finalStatuses, type DurableRunStatus } from './records.js';
import type { EngineSql } from './sql.js';

/** What `engine.signal` answers. */
export interface SignalResult {
  /**
   * True when this call stored the signal: the first for this run and name, and the run was not
   * final. A wait gets it if it arrived no later than the wait's deadline.
   */
  delivered: boolean;
  /** The run's status after the call (`queued` when the signal woke a waiting run). */
  status: DurableRunStatus;
}

const iso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString();

export class WaitStore implements WaitProvider {
  constructor(private readonly sql: EngineSql) {}

  /** Records the wait's deadline the first time; answers the signal, the timeout, or pending. */
  async wait(request: WaitRequest): Promise<WaitState> {
    const rows = await this.sql.query<{ deadline: unknown; expired: boolean; payload: unknown; received_at: unknown }>(
      `WITH inserted AS (
         INSERT INTO workflow_waits (run_id, node_id, signal, deadline)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4::double precision / 1000))
         ON CONFLICT (run_id, node_id, signal) DO NOTHING
         RETURNING deadline
       ), wait AS (
         SELECT deadline FROM inserted
         UNION ALL
         SELECT deadline FROM workflow_waits WHERE run_id = $1 AND node_id = $2 AND signal = $3
         LIMIT 1
       )
       SELECT wait.deadline, wait.deadline <= now() AS expired, s.payload, s.received_at
       FROM wait LEFT JOIN workflow_signals s ON s.run_id = $1 AND s.name = $3 AND s.received_at <= wait.deadline`,
      [request.runId, request.nodeId, request.signal, request.timeoutMs],
    );
    const row = rows[0];
    if (!row) throw new Error(`wait of run ${request.runId} node ${request.nodeId} was not recorded`);
    if (row.received_at !== null && row.received_at !== undefined) {
      return { settled: true, outcome: { received: true, payload: row.payload ?? null, receivedAt: iso(row.received_at) } };
    }
    if (row.expired) return { settled: true, outcome: { received: false } };
    return { settled: false, deadline: iso(row.deadline) };
  }

  /**
   * Suspends a run this worker holds: status `waiting` until the earliest deadline of `waits`,
   * lease released. When a signal of one of them arrived, a deadline passed or a cancel was
   * requested in the meantime, the run is queued instead (enqueue it). `lost`: not our lease.
   */
  async suspend(runId: string, owner: string, waits: readonly PendingWait[]): Promise<'waiting' | 'queued' | 'lost'> {
    const signals = [...new Set(waits.map((w) => w.signal))];
    return this.sql.transaction(async (tx) => {
      const held = await tx.query(`SELECT 1 FROM workflow_runs WHERE id = $1 AND lease_owner = $2 FOR UPDATE`, [runId, owner]);
      if (held.length === 0) return 'lost';
      const rows = await tx.query<{ status: 'waiting' | 'queued' }>(
        `WITH mine AS (
           SELECT w.signal, w.deadline FROM workflow_waits w
           JOIN unnest($3::text[], $4::text[]) AS p(node_id, signal) ON p.node_id = w.node_id AND p.signal = w.signal
           WHERE w.run_id = $1
         ), ready AS (
           SELECT (SELECT min(deadline) FROM mine) AS until,
                  coalesce(r.cancel_requested_at IS NOT NULL
                    OR (SELECT min(deadline) FROM mine) <= now()
                    OR EXISTS (SELECT 1 FROM mine JOIN workflow_signals s ON s.run_id = $1 AND s.name = mine.signal
                               AND s.received_at <= mine.deadline), true) AS now_ready
           FROM workflow_runs r WHERE r.id = $1
         )
         UPDATE workflow_runs
         SET status = CASE WHEN ready.now_ready THEN 'queued' ELSE 'waiting' END,
             waiting_for = CASE WHEN ready.now_ready THEN NULL ELSE $5::text[] END,
             waiting_until = CASE WHEN ready.now_ready THEN NULL ELSE ready.until END,
             lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
         FROM ready
         WHERE id = $1 AND lease_owner = $2
         RETURNING status`,
        [runId, owner, waits.map((w) => w.nodeId), waits.map((w) => w.signal), signals],
      );
      return rows[0]?.status ?? 'lost';
    });
  }

  /**
   * Stores a signal for a run (the first payload per run and name wins) and, when the run waits
   * for it, queues the run again (`status: 'queued'`: enqueue it). Undefined for an unknown run.
   */
  async signal(runId: string, name: string, payload: unknown): Promise<SignalResult | undefined> {
    return this.sql.transaction(async (tx) => {
      const [run] = await tx.query<{ status: DurableRunStatus; waiting_for: string[] | null }>(`SELECT status, waiting_for FROM workflow_runs WHERE id = $1 FOR UPDATE`, [runId]);
      if (!run) return undefined;
      if (finalStatuses.has(run.status)) return { delivered: false, status: run.status };
      const stored = await tx.query(
        `INSERT INTO workflow_signals (run_id, name, payload) VALUES ($1, $2, $3)
         ON CONFLICT (run_id, name) DO NOTHING RETURNING 1`,
        [runId, name, payload === undefined ? null : JSON.stringify(payload)],
      );
      if (run.status === 'waiting' && run.waiting_for?.includes(name)) {
        await tx.query(`UPDATE workflow_runs SET status = 'queued', waiting_for = NULL, waiting_until = NULL, updated_at = now() WHERE id = $1`, [runId]);
        return { delivered: stored.length > 0, status: 'queued' };
      }
      return { delivered: stored.length > 0, status: run.status };
    });
  }
}
