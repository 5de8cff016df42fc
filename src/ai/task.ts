/**
 * An AI task: typed input, what of it may leave the machine, instructions, a closed output schema
 * and a deterministic rules drafter with the same output type. The runner (runner.ts) tries the
 * configured providers and falls back to the drafter, so every task always has an answer.
 */
import type { ZodType } from 'zod';
import type { SharedValue } from './redaction.js';

/** Where a draft came from: `ai:<provider>/<model>` or `rules`. */
export type AiSource = `ai:${string}/${string}` | 'rules';

export interface AiTask<Input, Output> {
  /** Stable name, recorded with every call (`payment_issue.triage`). Letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  readonly description: string;
  /** Validates what the caller hands in (it may hold private data: only `share`'s part leaves the machine). */
  readonly input: ZodType<Input>;
  /**
   * What a provider may see, and nothing more: first names, amounts, dates, the family's own words.
   * Never e-mail addresses, phone numbers, card data, street addresses or private notes. Its strings
   * are scrubbed again before sending (redaction.ts), and it is sent only as the data block of the
   * user message, so text written by families never becomes an instruction.
   */
  share(input: Input): unknown;
  /** Ids of the users whose data the input carries (the family's parents): one who declined AI processing means the rules drafter. */
  subjects(input: Input): readonly number[];
  /** The system prompt: what to produce from the data. Static text: it holds no data. */
  readonly instructions: string;
  /**
   * The structured output: the closed set of what a draft may say and propose (actions as enums).
   * For OpenAI's strict structured outputs, use `.nullable()` rather than `.optional()`.
   */
  readonly output: ZodType<Output>;
  /** Upper bound of a provider's answer, in tokens. Default 2048. */
  readonly maxOutputTokens?: number;
  /** The rules drafter: a deterministic draft from the full input, without any network. */
  draft(input: Input): Output;
}

/** Defines a task (identity; checks the name once). */
export function defineAiTask<Input, Output>(task: AiTask<Input, Output>): AiTask<Input, Output> {
  if (!/^[\w.-]{1,80}$/.test(task.name)) throw new Error(`AI task name "${task.name}" must be 1–80 letters, digits, ".", "_" or "-"`);
  return Object.freeze(task);
}

/** Why the rules drafter answered instead of a provider. */
export type RulesReason = 'declined' | 'no_provider' | 'budget' | 'providers_failed';

/** What running a task gives. JSON-serialisable, so a workflow node may return it as its output. */
export interface AiTaskResult<Output> {
  output: Output;
  source: AiSource;
  /** The task's data exactly as it was sent (or would have been sent) to a provider, after redaction. */
  shared: SharedValue;
  /** Set when the rules drafter answered. */
  rulesReason: RulesReason | null;
}
