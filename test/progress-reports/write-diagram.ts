/** `npx tsx test/progress-reports/write-diagram.ts`: rewrites the progress-report diagram in README.md. */
import { readFile, writeFile } from 'node:fs/promises';
import { progressReportMermaid, README, withProgressReportGraph } from './diagram.js';

await writeFile(README, withProgressReportGraph(await readFile(README, 'utf8'), progressReportMermaid()));
