/** The payment-issue workflow's Mermaid diagram, as the README embeds it (checked by diagram.test.ts; `npx tsx test/approvals/write-diagram.ts` rewrites it). */
import { fileURLToPath } from 'node:url';
import { toMermaid } from '../../src/engine/index.js';
import { paymentIssueWorkflow } from '../../src/modules/approvals/payment-issue/workflow.js';
import { createServices } from '../../src/runtime/services.js';
import { testConfig } from '../helpers/app.js';
import type { Database } from '../../src/db/client.js';

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const START = '<!-- payment-issue-graph:start -->';
const END = '<!-- payment-issue-graph:end -->';

/** The diagram of the workflow (its shape needs no database: services are only read when nodes run). */
export function paymentIssueMermaid(): string {
  const services = createServices(testConfig(), { sql: {}, orm: {} } as unknown as Database);
  return toMermaid(paymentIssueWorkflow(services));
}

/** `readme` with the diagram between its markers. */
export function withPaymentIssueGraph(readme: string, mermaid: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n\`\`\`mermaid\n${mermaid.trim()}\n\`\`\`\n${readme.slice(end)}`;
}
