/**
 * The AI layer: tasks with typed input, redaction, a closed output schema and a rules drafter;
 * the providers of the Vercel AI SDK tried in order with fallbacks, budget and accounting; the
 * helper that runs a task inside a workflow node. The rest of the application uses it only
 * through this module.
 */
export { runAiTaskInNode, defineAiNode, type AiNodeSpec } from './node.js';
export { modelPrices, priceOf, costMicrocents, centsOf, type ModelPrice } from './prices.js';
export type { AiProvider } from './providers.js';
export { DATA_CLOSE, DATA_OPEN, scrubDeep, scrubText, type SharedValue } from './redaction.js';
export { AiInputError, AiRunner, type AiRunOptions } from './runner.js';
export { defineAiTask, type AiSource, type AiTask, type AiTaskResult, type RulesReason } from './task.js';
export { usageBetween, usageTotals, type UsageLine, type UsageTotal } from './usage.js';
