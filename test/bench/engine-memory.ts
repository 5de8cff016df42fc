/**
 * In-memory overhead of the workflow engine (no journal, no database): per-node cost =
 * batch time ÷ runs ÷ nodes per run, runs awaited one after another, median of 5 batches.
 * Target: ≤ 3 µs per node.
 *
 * - linear: 6 nodes in a row;
 * - branching: start → router (alternates between two branches) → branch → a node with three
 *   concurrent children → end (8 nodes per run).
 * Every node returns one small object, synchronously (the headline figures) and, as a second
 * reading, from an `async` function (`linearAsync`, `branchingAsync`).
 *
 * `npx tsx test/bench/engine-memory.ts` prints a table.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { defineNode, defineRouter, defineWorkflow, executeWorkflow, type TaskContext, type Workflow } from '../../src/engine/index.js';

export interface EngineFigures {
  readonly runsPerSecond: number;
  readonly perNodeMicros: number;
}

const Event = z.object({ n: z.number().int() });
type Event = z.infer<typeof Event>;

type Maker = (id: string) => ReturnType<typeof syncNode>;
const syncNode = (id: string) => defineNode({ id, process: (ctx: TaskContext<Event>) => ({ id, n: ctx.event.n }) });
const asyncNode: Maker = (id) => defineNode({ id, process: async (ctx: TaskContext<Event>) => ({ id, n: ctx.event.n }) });

function linearWorkflow(trivial: Maker): Workflow<Event> {
  const ids = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
  return defineWorkflow({
    name: 'bench-linear',
    event: Event,
    start: 'n1',
    nodes: ids.map((id, i) => ({ node: trivial(id), connections: i + 1 < ids.length ? [ids[i + 1] as string] : [] })),
  });
}

function branchingWorkflow(trivial: Maker): Workflow<Event> {
  return defineWorkflow({
    name: 'bench-branching',
    event: Event,
    start: 'start',
    nodes: [
      { node: trivial('start'), connections: ['route'] },
      {
        node: defineRouter({ id: 'route', route: (ctx: TaskContext<Event>) => (ctx.event.n % 2 === 0 ? 'left' : 'right') }),
        connections: ['left', 'right'],
      },
      { node: trivial('left'), connections: ['fan'] },
      { node: trivial('right'), connections: ['fan'] },
      { node: trivial('fan'), connections: ['end'], concurrent: { nodes: ['c1', 'c2', 'c3'] } },
      { node: trivial('c1') },
      { node: trivial('c2') },
      { node: trivial('c3') },
      { node: trivial('end') },
    ],
  });
}

async function batch(workflow: Workflow<Event>, runs: number, lastNode: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const result = await executeWorkflow(workflow, { runId: `r${i}`, event: { n: i } });
    if (result.status !== 'succeeded' || result.nodes[lastNode] === undefined) {
      throw new Error(`run ${i} of ${workflow.name} did not finish: ${result.status}`);
    }
  }
  return performance.now() - t0;
}

async function measure(workflow: Workflow<Event>, nodesPerRun: number, lastNode: string): Promise<EngineFigures> {
  const runs = 20_000;
  await batch(workflow, runs, lastNode); // warm-up
  const times: number[] = [];
  for (let b = 0; b < 5; b++) times.push(await batch(workflow, runs, lastNode));
  const median = times.sort((a, b) => a - b)[2] as number;
  return {
    runsPerSecond: Math.round((runs / median) * 1000),
    perNodeMicros: (median * 1000) / runs / nodesPerRun,
  };
}

export interface EngineMemoryFigures {
  readonly linear: EngineFigures;
  readonly branching: EngineFigures;
  readonly linearAsync: EngineFigures;
  readonly branchingAsync: EngineFigures;
}

export async function benchEngineMemory(): Promise<EngineMemoryFigures> {
  const linear = await measure(linearWorkflow(syncNode), 6, 'n6');
  const branching = await measure(branchingWorkflow(syncNode), 8, 'end');
  const linearAsync = await measure(linearWorkflow(asyncNode), 6, 'n6');
  const branchingAsync = await measure(branchingWorkflow(asyncNode), 8, 'end');
  return { linear, branching, linearAsync, branchingAsync };
}

export function printEngineMemory(figures: EngineMemoryFigures): void {
  const row = (name: string, nodes: number, f: EngineFigures): void => console.log(`| ${name} | ${nodes} | ${f.runsPerSecond} | ${f.perNodeMicros.toFixed(2)} |`);
  console.log('\n### Engine, in memory (target ≤ 3 µs per node)\n');
  console.log('| workflow | nodes/run | runs/s | µs per node |');
  console.log('|---|---:|---:|---:|');
  row('linear', 6, figures.linear);
  row('branching + 3 concurrent', 8, figures.branching);
  row('linear, async nodes', 6, figures.linearAsync);
  row('branching + 3 concurrent, async nodes', 8, figures.branchingAsync);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printEngineMemory(await benchEngineMemory());
}
