/**
 * Colours a workflow's Mermaid diagram (as `GET /workflows/{name}/graph` answers it) with a run's
 * node states. The engine declares each node once as `  <mermaidId>["<node id>"]` (a box) or
 * `  <mermaidId>{"<node id>"}` (a router), the node id in quotes with `"` written `#quot;`; the
 * declarations are read from the text itself, so no naming rule is copied here.
 */

/** The states a node of a run view can be in, each with its own colour. */
export const nodeStates = ['pending', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'compensated', 'compensation_failed'] as const;
export type NodeState = (typeof nodeStates)[number];

/** Fill, stroke and text colours per state (text on fill keeps a contrast of at least 4.5:1). */
export const stateColours: Record<NodeState, { fill: string; stroke: string; color: string }> = {
  pending: { fill: '#f4f6f8', stroke: '#8a96a6', color: '#1f2933' },
  running: { fill: '#dbeafe', stroke: '#1d4ed8', color: '#1e3a8a' },
  waiting: { fill: '#fef3c7', stroke: '#b45309', color: '#78350f' },
  succeeded: { fill: '#dcfce7', stroke: '#15803d', color: '#14532d' },
  failed: { fill: '#fee2e2', stroke: '#b91c1c', color: '#7f1d1d' },
  cancelled: { fill: '#e5e7eb', stroke: '#4b5563', color: '#1f2937' },
  compensated: { fill: '#ede9fe', stroke: '#6d28d9', color: '#4c1d95' },
  compensation_failed: { fill: '#fee2e2', stroke: '#7f1d1d', color: '#7f1d1d' },
};

const declaration = /^\s*([A-Za-z0-9_]+)(?:\["(.*)"\]|\{"(.*)"\})\s*$/;

/** Mermaid id of each node id the diagram declares. */
export function mermaidIds(graph: string): Map<string, string> {
  const ids = new Map<string, string>();
  for (const line of graph.split('\n')) {
    const match = declaration.exec(line);
    if (!match) continue;
    const label = (match[2] ?? match[3] ?? '').replace(/#quot;/g, '"');
    ids.set(label, match[1] as string);
  }
  return ids;
}

const isNodeState = (value: string): value is NodeState => (nodeStates as readonly string[]).includes(value);

/**
 * The diagram with a `classDef` per state and each node of `states` (node id → state) in its
 * state's class; nodes the run has not reached keep the default look, unknown states are ignored.
 */
export function withNodeStates(graph: string, states: ReadonlyMap<string, string>): string {
  const ids = mermaidIds(graph);
  const lines = [graph.trimEnd()];
  for (const state of nodeStates) {
    const c = stateColours[state];
    lines.push(`  classDef ${state} fill:${c.fill},stroke:${c.stroke},color:${c.color},stroke-width:2px`);
  }
  for (const [nodeId, state] of states) {
    const id = ids.get(nodeId);
    if (id && isNodeState(state)) lines.push(`  class ${id} ${state}`);
  }
  return `${lines.join('\n')}\n`;
}
