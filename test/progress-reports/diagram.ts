/** The progress-report workflow's Mermaid diagram, as the README embeds it (checked by diagram.test.ts; `npx tsx test/progress-reports/write-diagram.ts` rewrites it). */
import { toMermaid } from '../../src/engine/index.js';
import { progressReportWorkflow } from '../../src/modules/progress-reports/workflow.js';
import { createServices } from '../../src/runtime/services.js';
import { testConfig } from '../helpers/app.js';
import type { Database } from '../../src/db/client.js';

export { README } from '../approvals/diagram.js';
const START = '<!-- progress-report-graph:start -->';
const END = '<!-- progress-report-graph:end -->';

/** The diagram of the workflow (its shape needs no database: services are only read when nodes run). */
export function progressReportMermaid(): string {
  const services = createServices(testConfig(), { sql: {}, orm: {} } as unknown as Database);
  return toMermaid(progressReportWorkflow(services));
}

/** `readme` with the diagram between its markers. */
export function withProgressReportGraph(readme: string, mermaid: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n\`\`\`mermaid\n${mermaid.trim()}\n\`\`\`\n${readme.slice(end)}`;
}
