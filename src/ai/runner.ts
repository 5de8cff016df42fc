/**
 * Runs AI tasks: the configured providers in order, each with a time limit and one repair attempt
 * after an invalid answer, then the rules drafter; every call recorded in `ai_calls` with its
 * tokens, cost and latency; the monthly budget and the families' refusals respected.
 */
import type { ModelMessage } from 'ai';
import { DateTime } from 'luxon';
import type { ZodError } from 'zod';
import type { AiConfig } from '../config.js';
import type { SqlClient } from '../db/sql-client.js';
import { attempt, type AttemptResult } from './attempt.js';
import { anyDeclined, recordCall, spentSince, storedResult, type CallRecord } from './calls.js';
import { costMicrocents, isFree } from './prices.js';
import { createProvider, type AiProvider } from './providers.js';
import { DATA_RULES, dataMessage, scrubDeep, type SharedValue } from './redaction.js';
import type { AiTask, AiTaskResult, RulesReason } from './task.js';

/** The input handed to a task does not match its schema (a programming error: retrying cannot help). */
export class AiInputError extends Error {
  constructor(
    readonly task: string,
    readonly issues: ZodError['issues'],
  ) {
    super(`Invalid input for AI task ${task}: ${issues.map((issue) => `${issue.path.join('.') || '(input)'} ${issue.message}`).join('; ')}`);
    this.name = 'AiInputError';
  }
}

/** Default upper bound of a provider's answer, in tokens. */
const DEFAULT_MAX_OUTPUT_TOKENS = 2048;

export interface AiRunOptions {
  /**
   * Checkpoint key. When a run with this key finished before, its result is returned and nothing is
   * called; otherwise the result is stored under it. Workflow nodes pass their idempotency key (node.ts).
   */
  key?: string;
  /** The workflow run, recorded with each call. */
  runId?: string;
  /** Aborts the calls in flight (and the run) when it fires. */
  signal?: AbortSignal;
}

export class AiRunner {
  /** The providers in the order they are tried. */
  readonly providers: readonly AiProvider[];

  constructor(
    private readonly config: AiConfig,
    private readonly sql: SqlClient,
    /** The school's IANA zone now (the budget's calendar month is counted in it). */
    private readonly timezone: () => Promise<string>,
  ) {
    this.providers = config.providers.map(createProvider);
  }

  async run<Input, Output>(task: AiTask<Input, Output>, rawInput: Input, options: AiRunOptions = {}): Promise<AiTaskResult<Output>> {
    const parsed = task.input.safeParse(rawInput);
    if (!parsed.success) throw new AiInputError(task.name, parsed.error.issues);
    const input = parsed.data;
    const key = options.key ?? null;
    if (key !== null) {
      const stored = await storedResult(this.sql, key);
      if (stored) return stored as AiTaskResult<Output>;
    }
    const shared = scrubDeep(task.share(input));
    const base = { task: task.name, taskKey: key, runId: options.runId ?? null };
    const rules = (reason: RulesReason) => this.rulesDraft(task, input, shared, reason, base);
    if (this.providers.length === 0) return rules('no_provider');
    if (await anyDeclined(this.sql, task.subjects(input))) return rules('declined');

    const system = `${task.instructions}\n\n${DATA_RULES}`;
    const messages: ModelMessage[] = [{ role: 'user', content: dataMessage(shared) }];
    const request = { system, schema: task.output, schemaName: task.name.replace(/[^\w-]/g, '_'), maxOutputTokens: task.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS };
    // Once the month's budget is spent, providers that cost money are skipped; a free one (a local model) is still asked.
    let failedBefore = false;
    let skippedForBudget = false;
    for (const provider of this.providers) {
      const paid = !isFree(provider.name, provider.model);
      if (paid && (await this.budgetSpent())) {
        skippedForBudget = true;
        continue;
      }
      const fallback = failedBefore || skippedForBudget;
      const first = await attempt(provider, { ...request, messages }, { timeoutMs: this.config.timeoutMs, signal: options.signal });
      const firstDone = await this.record(provider, first, 'first', fallback, base, shared);
      if (firstDone) return firstDone as AiTaskResult<Output>;
      if (first.outcome === 'invalid_output' && !(paid && (await this.budgetSpent()))) {
        const repairMessages: ModelMessage[] = [
          ...messages,
          { role: 'assistant', content: first.invalidText || '(no answer)' },
          { role: 'user', content: repairRequest(first.error) },
        ];
        const repair = await attempt(provider, { ...request, messages: repairMessages }, { timeoutMs: this.config.timeoutMs, signal: options.signal });
        const repairDone = await this.record(provider, repair, 'repair', fallback, base, shared);
        if (repairDone) return repairDone as AiTaskResult<Output>;
      }
      failedBefore = true;
    }
    return rules(skippedForBudget ? 'budget' : 'providers_failed');
  }

  /** AI_MONTHLY_BUDGET_CENTS (undefined: no cap). */
  get monthlyBudgetCents(): number | undefined {
    return this.config.monthlyBudgetCents;
  }

  /** Microcents spent on providers in this calendar month (school zone). */
  async spentThisMonth(): Promise<number> {
    return spentSince(
      this.sql,
      DateTime.now()
        .setZone(await this.timezone())
        .startOf('month')
        .toJSDate(),
    );
  }

  /** Whether this month's spending reached the monthly budget. */
  async budgetSpent(): Promise<boolean> {
    const budget = this.config.monthlyBudgetCents;
    if (budget === undefined) return false;
    return (await this.spentThisMonth()) >= budget * 1_000_000;
  }

  /** Records one provider call; when it produced the output, records it as the run's result and returns that. */
  private async record<Output>(
    provider: AiProvider,
    result: AttemptResult<Output>,
    attemptKind: 'first' | 'repair',
    fallback: boolean,
    base: Pick<CallRecord, 'task' | 'taskKey' | 'runId'>,
    shared: SharedValue,
  ): Promise<AiTaskResult<unknown> | null> {
    const done: AiTaskResult<unknown> | null =
      result.outcome === 'ok' ? { output: result.output, source: `ai:${provider.name}/${provider.model}`, shared, rulesReason: null } : null;
    const stored = await recordCall(this.sql, {
      ...base,
      provider: provider.name,
      model: provider.model,
      attempt: attemptKind,
      outcome: result.outcome,
      fallback,
      reason: null,
      error: result.error ?? null,
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      costMicrocents: costMicrocents(provider.name, provider.model, result.inputTokens, result.outputTokens),
      latencyMs: result.latencyMs,
      result: done,
    });
    return stored ?? done;
  }

  private async rulesDraft<Input, Output>(
    task: AiTask<Input, Output>,
    input: Input,
    shared: SharedValue,
    reason: RulesReason,
    base: Pick<CallRecord, 'task' | 'taskKey' | 'runId'>,
  ): Promise<AiTaskResult<Output>> {
    const started = performance.now();
    const output = task.output.parse(task.draft(input));
    const result: AiTaskResult<Output> = { output, source: 'rules', shared, rulesReason: reason };
    const stored = await recordCall(this.sql, {
      ...base,
      provider: 'rules',
      model: 'rules',
      attempt: 'first',
      outcome: 'ok',
      fallback: reason === 'budget' || reason === 'providers_failed',
      reason,
      error: null,
      inputTokens: 0,
      outputTokens: 0,
      costMicrocents: 0,
      latencyMs: performance.now() - started,
      result,
    });
    return (stored as AiTaskResult<Output> | null) ?? result;
  }
}

/** The follow-up message of the one repair attempt. */
const repairRequest = (problem: string | undefined): string =>
  `Your answer could not be used: ${problem ?? 'it was not valid JSON for the schema'}. Answer again with only the JSON object the schema asks for, using only the values it allows.`;
