/** `npx tsx test/schedule-review/write-diagram.ts`: rewrites the schedule-review and enrollment diagrams in README.md. */
import { readFile, writeFile } from 'node:fs/promises';
import { README } from '../approvals/diagram.js';
import { withAllGraphs } from './diagram.js';

await writeFile(README, withAllGraphs(await readFile(README, 'utf8')));
