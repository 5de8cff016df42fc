/**
 * The import graph of src/ between its top-level parts: each folder (`db`, `engine`, `http`,
 * `modules`, …) and each root file (`app`, `config`, `main`, …). `npm run graph` writes it into the
 * README as Mermaid; the architecture test checks it has no cycle and that the README shows it.
 */
import path from 'node:path';
import madge from 'madge';

export const SRC = path.resolve(import.meta.dirname, '../../src');
export const README = path.resolve(import.meta.dirname, '../../README.md');
/** The README block between these markers is generated; do not edit it by hand. */
export const GRAPH_START = '<!-- module-graph:start -->';
export const GRAPH_END = '<!-- module-graph:end -->';

/** A part → the parts it imports (never itself), both sorted. */
export type PartGraph = Map<string, string[]>;

/** `db/client.ts` → `db`; `app.ts` → `app`. */
export const partOf = (file: string): string => file.split('/')[0]!.replace(/\.ts$/, '');

/** Every import between files of src/ (tests excluded), keyed by path relative to src/. */
export async function fileGraph(): Promise<Record<string, string[]>> {
  const result = await madge(SRC, {
    fileExtensions: ['ts'],
    tsConfig: path.resolve(SRC, '../tsconfig.json'),
    excludeRegExp: [/\.test\.ts$/],
  });
  // Test files are excluded, but what they import outside src/ would still be listed.
  const inSrc = (file: string): boolean => !file.startsWith('..') && !file.endsWith('.test.ts');
  return Object.fromEntries(
    Object.entries(result.obj())
      .filter(([file]) => inSrc(file))
      .map(([file, imports]) => [file, imports.filter(inSrc)]),
  );
}

/** The part-level graph of a file graph. */
export function partGraph(files: Record<string, string[]>): PartGraph {
  const edges = new Map<string, Set<string>>();
  for (const [file, imports] of Object.entries(files)) {
    const from = partOf(file);
    const targets = edges.get(from) ?? new Set<string>();
    edges.set(from, targets);
    for (const imported of imports) if (partOf(imported) !== from) targets.add(partOf(imported));
  }
  return new Map([...edges].sort(([a], [b]) => a.localeCompare(b)).map(([part, targets]) => [part, [...targets].sort()]));
}

/** The cycles of a part graph (each as the path that closes it), empty when it has none. */
export function cyclesOf(graph: PartGraph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (part: string, trail: string[]): void => {
    state.set(part, 'open');
    for (const next of graph.get(part) ?? []) {
      if (state.get(next) === 'open') cycles.push([...trail.slice(trail.indexOf(next)), part, next]);
      else if (!state.has(next)) visit(next, [...trail, part]);
    }
    state.set(part, 'done');
  };
  for (const part of graph.keys()) if (!state.has(part)) visit(part, []);
  return cycles;
}

/** The graph as a Mermaid flowchart, arrows from importer to imported. */
export function mermaidOf(graph: PartGraph): string {
  const lines = ['```mermaid', 'flowchart TD'];
  for (const [part, targets] of graph) for (const target of targets) lines.push(`  ${part} --> ${target}`);
  lines.push('```');
  return lines.join('\n');
}

/** The README text with its generated block replaced by `mermaid`. */
export function withGraph(readme: string, mermaid: string): string {
  const start = readme.indexOf(GRAPH_START);
  const end = readme.indexOf(GRAPH_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${GRAPH_START} … ${GRAPH_END} block`);
  return `${readme.slice(0, start + GRAPH_START.length)}\n${mermaid}\n${readme.slice(end)}`;
}
