import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { paymentIssueMermaid, README, withPaymentIssueGraph } from './diagram.js';

describe('the payment-issue workflow in the README', () => {
  it('shows the diagram as the workflow is', async () => {
    const readme = await readFile(README, 'utf8');
    expect(readme, 'run `npx tsx test/approvals/write-diagram.ts`').toBe(withPaymentIssueGraph(readme, paymentIssueMermaid()));
  });
});
