import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { progressReportMermaid, README, withProgressReportGraph } from './diagram.js';

describe('the progress-report workflow in the README', () => {
  it('shows the diagram as the workflow is', async () => {
    const readme = await readFile(README, 'utf8');
    expect(readme, 'run `npx tsx test/progress-reports/write-diagram.ts`').toBe(withProgressReportGraph(readme, progressReportMermaid()));
  });
});
