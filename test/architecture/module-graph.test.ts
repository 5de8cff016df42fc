import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cyclesOf, fileGraph, mermaidOf, partGraph, README, withGraph } from './module-graph.js';

describe('module graph', () => {
  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(
      cyclesOf(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('has no cycle between the top-level parts of src/, and the README shows it as it is', { timeout: 120_000 }, async () => {
    const files = await fileGraph();
    expect(Object.keys(files).length).toBeGreaterThan(100);
    const graph = partGraph(files);
    expect(cyclesOf(graph)).toEqual([]);
    expect(graph.get('engine')).toEqual([]);
    const readme = await readFile(README, 'utf8');
    expect(readme, 'run `npm run graph` to update the README').toBe(withGraph(readme, mermaidOf(graph)));
  });
});
