import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { README } from '../approvals/diagram.js';
import { withAllGraphs } from './diagram.js';

describe('the schedule-review and enrollment workflows in the README', () => {
  it('shows the diagrams as the workflows are', async () => {
    const readme = await readFile(README, 'utf8');
    expect(readme, 'run `npx tsx test/schedule-review/write-diagram.ts`').toBe(withAllGraphs(readme));
  });
});
