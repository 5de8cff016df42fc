/**
 * One call to one provider for a structured answer, with a time limit, classified for the record:
 * the validated output, or why there is none (invalid output, timeout, rate limit, error).
 */
import { APICallError, generateText, NoObjectGeneratedError, Output, type ModelMessage } from 'ai';
import type { ZodType } from 'zod';
import type { CallOutcome } from './calls.js';
import type { AiProvider } from './providers.js';

// The SDK would print its warnings (a setting a model ignores …) on the console, beside the
// application's JSON log lines; what matters of a call is recorded in ai_calls instead.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export interface AttemptRequest<Output> {
  /** The system prompt. */
  system: string;
  messages: ModelMessage[];
  schema: ZodType<Output>;
  /** Name of the output (letters, digits, `_`, `-`), shown to the model with the schema. */
  schemaName: string;
  /** Upper bound of the answer's length in tokens. */
  maxOutputTokens: number;
}

export interface AttemptResult<Output> {
  outcome: CallOutcome;
  /** The validated output when `outcome` is `ok`. */
  output: Output | undefined;
  /** The model's raw answer when it was invalid (for the repair request). */
  invalidText: string | undefined;
  error: string | undefined;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

/**
 * Calls `provider` once (the SDK's own retries are off: the runner moves on to the next provider).
 * A call still running after `timeoutMs` is aborted and counts as `timeout`. When `signal` fires
 * (the workflow node's attempt was cancelled or timed out) the call is aborted and the error rethrown.
 */
export async function attempt<Output>(provider: AiProvider, request: AttemptRequest<Output>, options: { timeoutMs: number; signal?: AbortSignal }): Promise<AttemptResult<Output>> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const abortSignal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const base = { output: undefined, invalidText: undefined, error: undefined, inputTokens: 0, outputTokens: 0 };
  try {
    const result = await generateText({
      model: provider.languageModel,
      system: request.system,
      messages: request.messages,
      output: Output.object({ schema: request.schema, name: request.schemaName }),
      maxOutputTokens: request.maxOutputTokens,
      maxRetries: 0,
      abortSignal,
    });
    return {
      ...base,
      outcome: 'ok',
      output: result.output as Output,
      inputTokens: result.totalUsage.inputTokens ?? 0,
      outputTokens: result.totalUsage.outputTokens ?? 0,
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const latencyMs = performance.now() - started;
    if (NoObjectGeneratedError.isInstance(error)) {
      return {
        ...base,
        outcome: 'invalid_output',
        invalidText: error.text ?? '',
        error: describe(error.cause ?? error),
        inputTokens: error.usage?.inputTokens ?? 0,
        outputTokens: error.usage?.outputTokens ?? 0,
        latencyMs,
      };
    }
    if (APICallError.isInstance(error) && error.statusCode !== undefined) {
      const outcome: CallOutcome = error.statusCode === 429 ? 'rate_limited' : 'error';
      return { ...base, outcome, error: `HTTP ${error.statusCode}: ${describe(error)}`, latencyMs };
    }
    if (timeout.aborted) return { ...base, outcome: 'timeout', error: `no answer within ${options.timeoutMs} ms`, latencyMs };
    return { ...base, outcome: 'error', error: describe(error), latencyMs };
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 300);
