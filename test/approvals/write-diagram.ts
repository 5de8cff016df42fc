/** `npx tsx test/approvals/write-diagram.ts`: rewrites the payment-issue diagram in README.md. */
import { readFile, writeFile } from 'node:fs/promises';
import { paymentIssueMermaid, README, withPaymentIssueGraph } from './diagram.js';

await writeFile(README, withPaymentIssueGraph(await readFile(README, 'utf8'), paymentIssueMermaid()));
