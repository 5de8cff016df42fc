/**
 * The schedule-review and enrollment workflows' Mermaid diagrams, as the README embeds them between
 * `<!-- <name>-graph:start -->` and `<!-- <name>-graph:end -->` (checked by diagram.test.ts;
 * `npx tsx test/schedule-review/write-diagram.ts` rewrites them).
 */
import { toMermaid } from '../../src/engine/index.js';
import { enrollmentWorkflow } from '../../src/modules/enrollments/workflows/index.js';
import { buildScheduleReviewWorkflow } from '../../src/modules/schedule-review/workflow.js';
import { createServices } from '../../src/runtime/services.js';
import { testConfig } from '../helpers/app.js';
import type { Database } from '../../src/db/client.js';

/** Each diagram by its marker name (a workflow's shape needs no database: services are only read when nodes run). */
export function workflowDiagrams(): Record<string, string> {
  const services = createServices(testConfig(), { sql: {}, orm: {} } as unknown as Database);
  return {
    'schedule-review': toMermaid(buildScheduleReviewWorkflow(services)),
    enrollment: toMermaid(enrollmentWorkflow({ services })),
  };
}

/** `readme` with the diagram `name` between its markers. */
export function withGraph(readme: string, name: string, mermaid: string): string {
  const startMark = `<!-- ${name}-graph:start -->`;
  const endMark = `<!-- ${name}-graph:end -->`;
  const start = readme.indexOf(startMark);
  const end = readme.indexOf(endMark);
  if (start < 0 || end < start) throw new Error(`README.md has no ${startMark} … ${endMark} markers`);
  return `${readme.slice(0, start + startMark.length)}\n\`\`\`mermaid\n${mermaid.trim()}\n\`\`\`\n${readme.slice(end)}`;
}

/** `readme` with every diagram of workflowDiagrams() in place. */
export const withAllGraphs = (readme: string): string => Object.entries(workflowDiagrams()).reduce((text, [name, mermaid]) => withGraph(text, name, mermaid), readme);
