/** What the AI layer did, from `ai_calls`: per provider and model over a period, and the totals /metrics shows. */
import type { SqlExecutor } from '../db/sql-client.js';
import { centsOf } from './prices.js';

export interface UsageLine {
  /** `openai`, `anthropic`, `compatible` or `rules`. */
  provider: string;
  model: string;
  /** Calls made (rules: drafts made). */
  calls: number;
  /** Calls that gave no usable answer (invalid output, timeout, rate limit, error). */
  failed: number;
  /** Calls made because an earlier provider failed or the budget was spent. */
  fallbacks: number;
  /** Repair attempts after an invalid answer. */
  repairs: number;
  inputTokens: number;
  outputTokens: number;
  /** Exact cost in millionths of a cent. */
  costMicrocents: number;
  /** The cost rounded up to whole cents. */
  costCents: number;
  /** Mean latency of the calls, ms. */
  averageLatencyMs: number;
}

/** Usage per provider and model for calls made in [from, to). */
export async function usageBetween(sql: SqlExecutor, from: Date, to: Date): Promise<UsageLine[]> {
  const rows = await sql.query<{
    provider: string;
    model: string;
    calls: number;
    failed: number;
    fallbacks: number;
    repairs: number;
    input_tokens: string;
    output_tokens: string;
    cost: string;
    latency: string;
  }>(
    `SELECT provider, model, count(*)::int AS calls, (count(*) FILTER (WHERE outcome <> 'ok'))::int AS failed,
            (count(*) FILTER (WHERE fallback))::int AS fallbacks, (count(*) FILTER (WHERE attempt = 'repair'))::int AS repairs,
            sum(input_tokens)::text AS input_tokens, sum(output_tokens)::text AS output_tokens, sum(cost_microcents)::text AS cost,
            round(avg(latency_ms))::text AS latency
     FROM ai_calls WHERE created_at >= $1 AND created_at < $2
     GROUP BY provider, model ORDER BY provider, model`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((row) => ({
    provider: row.provider,
    model: row.model,
    calls: row.calls,
    failed: row.failed,
    fallbacks: row.fallbacks,
    repairs: row.repairs,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costMicrocents: Number(row.cost),
    costCents: centsOf(Number(row.cost)),
    averageLatencyMs: Number(row.latency),
  }));
}

export interface UsageTotal {
  provider: string;
  model: string;
  outcome: string;
  fallback: boolean;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costMicrocents: number;
}

/** Every call ever recorded, summed per provider, model, outcome and fallback (for Prometheus counters). */
export async function usageTotals(sql: SqlExecutor): Promise<UsageTotal[]> {
  const rows = await sql.query<{ provider: string; model: string; outcome: string; fallback: boolean; calls: number; input_tokens: string; output_tokens: string; cost: string }>(
    `SELECT provider, model, outcome, fallback, count(*)::int AS calls, sum(input_tokens)::text AS input_tokens,
            sum(output_tokens)::text AS output_tokens, sum(cost_microcents)::text AS cost
     FROM ai_calls GROUP BY provider, model, outcome, fallback`,
  );
  return rows.map((row) => ({
    provider: row.provider,
    model: row.model,
    outcome: row.outcome,
    fallback: row.fallback,
    calls: row.calls,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costMicrocents: Number(row.cost),
  }));
}
