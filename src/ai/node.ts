/**
 * AI tasks inside workflow nodes. The task run is checkpointed under the node's idempotency key
 * (`runId:nodeId`) and a label: the row of `ai_calls` that finished it holds the result, so a node
 * that runs again (a retry, a resume after its worker died, the second pass after a durable wait)
 * gets the same draft back and calls no provider a second time. The node's own checkpoint then
 * keeps its output as for any node.
 */
import { defineNode, PermanentError, type NodeDefinition, type RetryPolicy, type TaskContext } from '../engine/index.js';
import { AiInputError, type AiRunner } from './runner.js';
import type { AiTask, AiTaskResult } from './task.js';

/**
 * Runs `task` for a node. Call it in a node's `process`; a node that runs several tasks (or one
 * task several times) gives each call its own `label` (default: the task's name). A bad input is a
 * PermanentError (no retry can fix it).
 */
export async function runAiTaskInNode<Input, Output>(
  ctx: TaskContext<unknown>,
  ai: AiRunner,
  task: AiTask<Input, Output>,
  input: Input,
  options: { label?: string } = {},
): Promise<AiTaskResult<Output>> {
  try {
    return await ai.run(task, input, { key: `${ctx.idempotencyKey}:${options.label ?? task.name}`, runId: ctx.runId, signal: ctx.signal });
  } catch (error) {
    if (error instanceof AiInputError) throw new PermanentError(error.message, { cause: error });
    throw error;
  }
}

export interface AiNodeSpec<Event, Input, Output> {
  readonly id: string;
  readonly description?: string;
  readonly task: AiTask<Input, Output>;
  /** The task's input from the run (the event, earlier nodes' outputs, data read now). */
  input(ctx: TaskContext<Event>): Input | Promise<Input>;
  /** Default: 2 attempts (a provider outage is already handled inside one attempt by the fallbacks). */
  readonly retry?: RetryPolicy;
  /** Per-attempt limit, ms. Default: none (each provider call has AI_TIMEOUT_MS). */
  readonly timeoutMs?: number;
}

/** A node whose output is the task's result (`{output, source, shared, rulesReason}`). */
export function defineAiNode<Event, Input, Output>(ai: AiRunner, spec: AiNodeSpec<Event, Input, Output>): NodeDefinition<Event, AiTaskResult<Output>> {
  return defineNode<Event, AiTaskResult<Output>>({
    id: spec.id,
    description: spec.description ?? spec.task.description,
    retry: spec.retry ?? { maxAttempts: 2 },
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    process: async (ctx) => runAiTaskInNode(ctx as TaskContext<unknown>, ai, spec.task, await spec.input(ctx)),
  });
}
