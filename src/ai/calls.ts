/**
 * The `ai_calls` table (migration 0023): one row per provider call and per rules draft. The AI
 * layer's only SQL besides usage.ts; it runs on the process's own connection (no caller: the
 * table's row-level security lets admins alone read it through the API's callers).
 */
import type { AiProviderName } from '../config.js';
import type { SqlExecutor } from '../db/sql-client.js';
import type { AiTaskResult, RulesReason } from './task.js';

export type CallOutcome = 'ok' | 'invalid_output' | 'timeout' | 'rate_limited' | 'error';

export interface CallRecord {
  task: string;
  /** The task run's checkpoint key (a workflow node's idempotency key and label); null outside a node. */
  taskKey: string | null;
  runId: string | null;
  provider: AiProviderName | 'rules';
  model: string;
  attempt: 'first' | 'repair';
  outcome: CallOutcome;
  fallback: boolean;
  reason: RulesReason | null;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  costMicrocents: number;
  latencyMs: number;
  /** The task's result, on the row that finished the task run only. */
  result: AiTaskResult<unknown> | null;
}

/**
 * Writes one row. A finishing row whose task key already has one (another worker finished the
 * same node first) is not written; the stored result is returned instead, so both use one draft.
 */
export async function recordCall(sql: SqlExecutor, call: CallRecord): Promise<AiTaskResult<unknown> | null> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO ai_calls (task, task_key, run_id, provider, model, attempt, outcome, fallback, reason, error,
                           input_tokens, output_tokens, cost_microcents, latency_ms, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (task_key) WHERE result IS NOT NULL DO NOTHING RETURNING id`,
    [
      call.task,
      call.taskKey,
      call.runId,
      call.provider,
      call.model,
      call.attempt,
      call.outcome,
      call.fallback,
      call.reason,
      call.error === null ? null : call.error.slice(0, 500),
      call.inputTokens,
      call.outputTokens,
      call.costMicrocents,
      Math.max(0, Math.round(call.latencyMs)),
      call.result === null ? null : JSON.stringify(call.result),
    ],
  );
  if (rows.length > 0 || call.result === null || call.taskKey === null) return null;
  return storedResult(sql, call.taskKey);
}

/** The result recorded for a task key, if the task run finished before. */
export async function storedResult(sql: SqlExecutor, taskKey: string): Promise<AiTaskResult<unknown> | null> {
  const [row] = await sql.query<{ result: AiTaskResult<unknown> | string }>(`SELECT result FROM ai_calls WHERE task_key = $1 AND result IS NOT NULL`, [taskKey]);
  if (!row) return null;
  return typeof row.result === 'string' ? (JSON.parse(row.result) as AiTaskResult<unknown>) : row.result;
}

/** Microcents spent on providers since `since`. */
export async function spentSince(sql: SqlExecutor, since: Date): Promise<number> {
  const [row] = await sql.query<{ spent: string | number }>(`SELECT coalesce(sum(cost_microcents), 0) AS spent FROM ai_calls WHERE created_at >= $1`, [since.toISOString()]);
  return Number(row?.spent ?? 0);
}

/** Whether any of `userIds` declined AI processing. */
export async function anyDeclined(sql: SqlExecutor, userIds: readonly number[]): Promise<boolean> {
  if (userIds.length === 0) return false;
  const [row] = await sql.query<{ declined: boolean | null }>(`SELECT bool_or(ai_processing_declined) AS declined FROM users WHERE id = ANY($1::int[])`, [[...userIds]]);
  return row?.declined === true;
}
