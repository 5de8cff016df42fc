/**
 * Validation of a workflow definition and its compiled execution plan (adjacency resolved to
 * object references, policies resolved), computed once per workflow and cached. Internal.
 */
import type { ZodType } from 'zod';
import { WorkflowDefinitionError, type WorkflowDefinitionErrorCode } from './errors.js';
import { resolveRetryPolicy, retryPolicyProblem, type ResolvedRetryPolicy } from './retry.js';
import type { NodeConfig, NodeDefinition, RouterDefinition } from './types.js';

/** One node of a compiled plan. */
export class PlanNode {
  /** Next node of a plain node (null: the run ends after it). */
  next: PlanNode | null = null;
  /** Targets of a router, by id. */
  targets: Map<string, PlanNode> | null = null;
  /** Concurrent children, or null. */
  children: PlanNode[] | null = null;
  limit = 0;
  isChild = false;
  readonly node: NodeDefinition | null;
  readonly router: RouterDefinition | null;
  readonly retry: ResolvedRetryPolicy;
  readonly timeoutMs: number | null;
  readonly output: ZodType | null;
  readonly hasCompensate: boolean;

  constructor(
    readonly id: string,
    def: NodeDefinition | RouterDefinition,
    readonly connections: readonly string[],
  ) {
    this.node = def.kind === 'node' ? def : null;
    this.router = def.kind === 'router' ? def : null;
    this.retry = resolveRetryPolicy(def.retry);
    this.timeoutMs = def.timeoutMs ?? null;
    this.output = def.kind === 'node' ? (def.output ?? null) : null;
    this.hasCompensate = def.kind === 'node' && typeof def.compensate === 'function';
  }
}

export interface Plan {
  readonly name: string;
  readonly event: ZodType;
  readonly start: PlanNode;
  readonly nodes: ReadonlyMap<string, PlanNode>;
}

/** Any `Workflow<Event>` (the event type erased). */
export interface WorkflowShape {
  readonly name: string;
  readonly start: string;
  readonly event: unknown;
  readonly nodes: readonly unknown[];
}

const plans = new WeakMap<object, Plan>();

/** The plan of a workflow (compiled and validated on first use, then cached). */
export function planOf(workflow: WorkflowShape): Plan {
  let plan = plans.get(workflow);
  if (plan === undefined) {
    plan = compile(workflow);
    plans.set(workflow, plan);
  }
  return plan;
}

/** Validates a definition and builds its plan; throws WorkflowDefinitionError. */
export function compile(wf: WorkflowShape): Plan {
  const name = wf.name;
  const fail = (node: string, code: WorkflowDefinitionErrorCode, detail: string): never => {
    throw new WorkflowDefinitionError(String(name), node, code, detail);
  };
  if (typeof name !== 'string' || name === '') fail(String(wf.start), 'invalid_workflow', 'the workflow needs a name');
  const configs = (Array.isArray(wf.nodes) ? wf.nodes : []) as readonly NodeConfig[];

  // Nodes: ids, duplicates, router flag, options.
  const nodes = new Map<string, PlanNode>();
  const configOf = new Map<string, NodeConfig>();
  for (const config of configs) {
    const def = config?.node;
    const id: unknown = def?.id;
    if (typeof id !== 'string' || id === '') return fail(String(id), 'invalid_node', 'a node needs a non-empty string id');
    if (def.kind !== 'node' && def.kind !== 'router') fail(id, 'invalid_node', 'not made by defineNode or defineRouter');
    if (nodes.has(id)) fail(id, 'duplicate_id', 'declared twice');
    if (config.router !== undefined && config.router !== (def.kind === 'router'))
      fail(id, 'router_mismatch', config.router ? 'flagged router but not made by defineRouter' : 'a router flagged router: false');
    const problem = retryPolicyProblem(resolveRetryPolicy(def.retry));
    if (problem !== null) fail(id, 'invalid_option', problem);
    if (def.timeoutMs !== undefined && !(def.timeoutMs > 0 && Number.isFinite(def.timeoutMs))) fail(id, 'invalid_option', 'timeoutMs must be a finite number > 0');
    nodes.set(id, new PlanNode(id, def as NodeDefinition | RouterDefinition, [...(config.connections ?? [])]));
    configOf.set(id, config);
  }
  const start = nodes.get(wf.start);
  if (start === undefined) return fail(String(wf.start), 'unknown_start', 'the start node is not declared in nodes');

  // Connections.
  const targeted = new Set<string>();
  for (const pn of nodes.values()) {
    const seen = new Set<string>();
    for (const target of pn.connections) {
      if (!nodes.has(target)) fail(pn.id, 'unknown_target', `connects to undeclared node "${target}"`);
      if (seen.has(target)) fail(pn.id, 'duplicate_connection', `connects to "${target}" twice`);
      seen.add(target);
      targeted.add(target);
    }
    if (pn.router !== null) {
      if (pn.connections.length === 0) fail(pn.id, 'router_without_connections', 'a router needs at least one connection');
      pn.targets = new Map(pn.connections.map((t) => [t, nodes.get(t) as PlanNode]));
    } else {
      if (pn.connections.length > 1) fail(pn.id, 'multiple_connections', `a node that is not a router has ${pn.connections.length} connections`);
      const only = pn.connections[0];
      pn.next = only === undefined ? null : (nodes.get(only) ?? null);
    }
  }

  // Concurrent children.
  const parentOf = new Map<string, string>();
  for (const pn of nodes.values()) {
    const concurrent = configOf.get(pn.id)?.concurrent;
    if (concurrent === undefined) continue;
    if (pn.router !== null) fail(pn.id, 'router_concurrent', 'a router cannot have concurrent nodes');
    const limit = concurrent.limit ?? concurrent.nodes.length;
    if (concurrent.nodes.length === 0) fail(pn.id, 'invalid_option', 'concurrent.nodes is empty');
    if (!Number.isInteger(limit) || limit < 1) fail(pn.id, 'invalid_option', 'concurrent.limit must be an integer ≥ 1');
    const children: PlanNode[] = [];
    for (const childId of concurrent.nodes) {
      const child = nodes.get(childId);
      if (child === undefined) return fail(pn.id, 'unknown_concurrent_node', `concurrent node "${childId}" is not declared`);
      const conflict =
        childId === pn.id
          ? 'it is the node itself'
          : parentOf.has(childId)
            ? `it is already a concurrent node of "${parentOf.get(childId)}"`
            : childId === start.id
              ? 'it is the start node'
              : targeted.has(childId)
                ? 'it is also the target of a connection'
                : child.connections.length > 0
                  ? 'it has connections of its own'
                  : child.router !== null
                    ? 'it is a router'
                    : configOf.get(childId)?.concurrent !== undefined
                      ? 'it has concurrent nodes of its own'
                      : null;
      if (conflict !== null) fail(pn.id, 'concurrent_child_conflict', `concurrent node "${childId}" is invalid: ${conflict}`);
      parentOf.set(childId, pn.id);
      child.isChild = true;
      children.push(child);
    }
    pn.children = children;
    pn.limit = limit;
  }

  findCycle(nodes, fail);

  // Reachability from start (connections and concurrent lists).
  const reached = new Set<string>([start.id]);
  const queue: PlanNode[] = [start];
  for (let pn = queue.pop(); pn !== undefined; pn = queue.pop()) {
    const nextIds = [...pn.connections, ...(pn.children ?? []).map((c) => c.id)];
    for (const id of nextIds) {
      if (!reached.has(id)) {
        reached.add(id);
        queue.push(nodes.get(id) as PlanNode);
      }
    }
  }
  for (const id of nodes.keys()) if (!reached.has(id)) fail(id, 'unreachable', `not reachable from the start node "${start.id}"`);

  return { name, event: wf.event as ZodType, start, nodes };
}

/** Depth-first search for a cycle over connections; reports the first one found. */
function findCycle(nodes: ReadonlyMap<string, PlanNode>, fail: (node: string, code: WorkflowDefinitionErrorCode, detail: string) => never): void {
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 1);
    stack.push(id);
    for (const target of (nodes.get(id) as PlanNode).connections) {
      const s = state.get(target);
      if (s === 1) {
        const cycle = [...stack.slice(stack.indexOf(target)), target].join(' → ');
        fail(id, 'cycle', `its connection to "${target}" closes a cycle: ${cycle}`);
      }
      if (s === undefined) visit(target);
    }
    stack.pop();
    state.set(id, 2);
  };
  for (const id of nodes.keys()) if (!state.has(id)) visit(id);
}
