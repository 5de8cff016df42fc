/**
 * Prometheus metrics of the AI layer, read from `ai_calls` when /metrics is scraped: every process
 * (API, each worker) reports the same totals, whoever made the calls. Counters:
 * `ai_calls_total{provider,model,outcome,fallback}`, `ai_tokens_total{provider,model,direction}`
 * (direction `input` | `output`), `ai_cost_cents_total{provider,model}` (fractional cents).
 */
import { Counter, type Registry } from 'prom-client';
import { usageTotals } from '../../ai/index.js';
import type { SqlExecutor } from '../../db/sql-client.js';

export function registerAiMetrics(registry: Registry, sql: SqlExecutor): void {
  if (registry.getSingleMetric('ai_calls_total')) return;
  let latest: ReturnType<typeof usageTotals> | undefined;
  // One query per scrape, shared by the three counters (each collects in turn).
  const totals = (): ReturnType<typeof usageTotals> => {
    latest ??= usageTotals(sql).finally(() => setImmediate(() => (latest = undefined)));
    return latest;
  };
  const calls = new Counter({
    name: 'ai_calls_total',
    help: 'AI provider calls and rules drafts, by provider, model, outcome and whether it was a fallback',
    labelNames: ['provider', 'model', 'outcome', 'fallback'] as const,
    registers: [registry],
    async collect() {
      const rows = await totals().catch(() => []);
      calls.reset();
      for (const row of rows) calls.inc({ provider: row.provider, model: row.model, outcome: row.outcome, fallback: String(row.fallback) }, row.calls);
    },
  });
  const tokens = new Counter({
    name: 'ai_tokens_total',
    help: 'Tokens sent to (input) and received from (output) AI providers, by provider and model',
    labelNames: ['provider', 'model', 'direction'] as const,
    registers: [registry],
    async collect() {
      const rows = await totals().catch(() => []);
      tokens.reset();
      for (const row of rows) {
        if (row.inputTokens > 0) tokens.inc({ provider: row.provider, model: row.model, direction: 'input' }, row.inputTokens);
        if (row.outputTokens > 0) tokens.inc({ provider: row.provider, model: row.model, direction: 'output' }, row.outputTokens);
      }
    },
  });
  const cost = new Counter({
    name: 'ai_cost_cents_total',
    help: 'Cost of AI provider calls in cents of the providers’ billing currency, from the price table, by provider and model',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
    async collect() {
      const rows = await totals().catch(() => []);
      cost.reset();
      for (const row of rows) if (row.costMicrocents > 0) cost.inc({ provider: row.provider, model: row.model }, row.costMicrocents / 1_000_000);
    },
  });
}
