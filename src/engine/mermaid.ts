/**
 * Mermaid diagram of a workflow, generated from its definition:
 * - `__start((start))` points at the start node; terminal nodes point at `__end((end))`;
 * - plain nodes are boxes `["id"]`, routers diamonds `{"id"}` with an edge to each branch;
 * - concurrent children hang off their parent with dotted edges labelled `concurrent`.
 * Mermaid ids are `n_` + the node id with characters outside [A-Za-z0-9_] replaced by `_`
 * (suffixed `_2`, `_3`… on a clash); labels show the real ids.
 */
import { planOf, type PlanNode } from './plan.js';
import type { Workflow } from './types.js';

export function toMermaid<Event>(workflow: Workflow<Event>): string {
  const plan = planOf(workflow);
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const id of plan.nodes.keys()) {
    const base = `n_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let mid = base;
    for (let i = 2; used.has(mid); i++) mid = `${base}_${i}`;
    used.add(mid);
    ids.set(id, mid);
  }
  const m = (pn: PlanNode): string => ids.get(pn.id) as string;
  const label = (id: string): string => `"${id.replace(/"/g, '#quot;')}"`;

  const lines = ['flowchart TD', '  __start((start))'];
  for (const pn of plan.nodes.values()) {
    lines.push(pn.router === null ? `  ${m(pn)}[${label(pn.id)}]` : `  ${m(pn)}{${label(pn.id)}}`);
  }
  lines.push(`  __start --> ${m(plan.start)}`);
  let hasEnd = false;
  for (const pn of plan.nodes.values()) {
    if (pn.targets !== null) {
      for (const target of pn.targets.values()) lines.push(`  ${m(pn)} --> ${m(target)}`);
    } else if (pn.next !== null) {
      lines.push(`  ${m(pn)} --> ${m(pn.next)}`);
    } else if (!pn.isChild) {
      lines.push(`  ${m(pn)} --> __end((end))`);
      hasEnd = true;
    }
    for (const child of pn.children ?? []) lines.push(`  ${m(pn)} -.->|concurrent| ${m(child)}`);
  }
  if (!hasEnd) lines.push('  __end((end))');
  return `${lines.join('\n')}\n`;
}
