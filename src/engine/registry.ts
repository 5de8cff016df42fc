/** A named collection of workflows: what the API and the workers look workflows up in. */
import { DuplicateWorkflowError, UnknownWorkflowError } from './errors.js';
import { toMermaid } from './mermaid.js';
import { compile, type PlanNode } from './plan.js';
import type { ResolvedRetryPolicy } from './retry.js';
import type { Workflow } from './types.js';

export interface WorkflowSummary {
  readonly name: string;
  readonly description: string;
  readonly nodeCount: number;
}

export interface NodeDescription {
  readonly id: string;
  readonly description: string;
  readonly kind: 'node' | 'router';
  readonly connections: readonly string[];
  /** Concurrent children and their limit, or null. */
  readonly concurrent: { readonly nodes: readonly string[]; readonly limit: number } | null;
  readonly retry: ResolvedRetryPolicy;
  readonly timeoutMs: number | null;
  readonly compensable: boolean;
}

export interface WorkflowDescription extends WorkflowSummary {
  readonly start: string;
  readonly nodes: readonly NodeDescription[];
  /** `toMermaid` of the workflow. */
  readonly mermaid: string;
}

export class WorkflowRegistry {
  private readonly workflows = new Map<string, Workflow<unknown>>();

  /**
   * Validates the workflow again (throws WorkflowDefinitionError) and adds it; throws
   * DuplicateWorkflowError if the name is taken. Returns the workflow.
   */
  register<Event>(workflow: Workflow<Event>): Workflow<Event> {
    compile(workflow);
    if (this.workflows.has(workflow.name)) throw new DuplicateWorkflowError(workflow.name);
    this.workflows.set(workflow.name, workflow as unknown as Workflow<unknown>);
    return workflow;
  }

  has(name: string): boolean {
    return this.workflows.has(name);
  }

  /** The workflow called `name`; throws UnknownWorkflowError. */
  get(name: string): Workflow<unknown> {
    const workflow = this.workflows.get(name);
    if (workflow === undefined) throw new UnknownWorkflowError(name);
    return workflow;
  }

  /** Every workflow, sorted by name. */
  list(): WorkflowSummary[] {
    return [...this.workflows.values()].map((w) => ({ name: w.name, description: w.description, nodeCount: w.nodes.length })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Nodes, edges, policies and diagram of a workflow; throws UnknownWorkflowError. */
  describe(name: string): WorkflowDescription {
    const workflow = this.get(name);
    const plan = compile(workflow);
    const describeNode = (pn: PlanNode): NodeDescription => {
      const def = pn.node ?? pn.router;
      return {
        id: pn.id,
        description: def?.description ?? '',
        kind: pn.router === null ? 'node' : 'router',
        connections: pn.connections,
        concurrent: pn.children === null ? null : { nodes: pn.children.map((c) => c.id), limit: pn.limit },
        retry: pn.retry,
        timeoutMs: pn.timeoutMs,
        compensable: pn.hasCompensate,
      };
    };
    return {
      name: workflow.name,
      description: workflow.description,
      nodeCount: workflow.nodes.length,
      start: workflow.start,
      nodes: [...plan.nodes.values()].map(describeNode),
      mermaid: toMermaid(workflow),
    };
  }
}
