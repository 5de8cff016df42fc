/** `npm run graph`: regenerates the module graph in README.md (see module-graph.ts). */
import { readFile, writeFile } from 'node:fs/promises';
import { cyclesOf, fileGraph, mermaidOf, partGraph, README, withGraph } from './module-graph.js';

const graph = partGraph(await fileGraph());
await writeFile(README, withGraph(await readFile(README, 'utf8'), mermaidOf(graph)));
const cycles = cyclesOf(graph);
console.log(cycles.length === 0 ? 'module graph: no cycle' : `module graph: cycles ${cycles.map((c) => c.join(' → ')).join('; ')}`);
process.exitCode = cycles.length === 0 ? 0 : 1;
