/**
 * Builders for nodes, routers and workflows.
 *
 * ```ts
 * const Event = z.object({ studentId: z.number() });
 * const load = defineNode({
 *   id: 'load',
 *   process: async (ctx: TaskContext<z.infer<typeof Event>>) => ({ id: ctx.event.studentId }),
 * });
 * const wf = defineWorkflow({ name: 'demo', event: Event, start: 'load', nodes: [{ node: load }] });
 * ```
 * The event type of a node is inferred from the annotation of `ctx`; `defineWorkflow` checks that
 * every node accepts the workflow's event type.
 */
import type { z, ZodType } from 'zod';
import { compile, planOf } from './plan.js';
import type { NodeDefinition, RouterDefinition, Workflow, WorkflowSpec } from './types.js';

/** Defines a node. See NodeDefinition for the fields. */
export function defineNode<Event = unknown, Output = unknown>(spec: Omit<NodeDefinition<Event, Output>, 'kind'>): NodeDefinition<Event, Output> {
  return Object.freeze({ ...spec, kind: 'node' as const });
}

/** Defines a router: `route` returns the id of the connection to follow. */
export function defineRouter<Event = unknown>(spec: Omit<RouterDefinition<Event>, 'kind'>): RouterDefinition<Event> {
  return Object.freeze({ ...spec, kind: 'router' as const });
}

/**
 * Defines a workflow and validates it (throws WorkflowDefinitionError naming the workflow and
 * the node: duplicate ids, unknown start or targets, a non-router with several connections, a
 * router without connections, invalid concurrent lists or options, cycles, unreachable nodes).
 */
export function defineWorkflow<Schema extends ZodType>(spec: WorkflowSpec<Schema>): Workflow<z.output<Schema>> {
  const workflow: Workflow<z.output<Schema>> = Object.freeze({
    name: spec.name,
    description: spec.description ?? '',
    event: spec.event as unknown as ZodType<z.output<Schema>>,
    start: spec.start,
    nodes: Object.freeze([...spec.nodes]),
  });
  planOf(workflow); // validates now and caches the plan
  return workflow;
}

/** Validates any workflow object again (as `WorkflowRegistry.register` does). */
export function validateWorkflow<Event>(workflow: Workflow<Event>): void {
  compile(workflow);
}
