import { Counter, Histogram, type Registry } from 'prom-client';
import type { Journal, RunResult } from '../journal.js';

/** Prometheus metrics of workflow runs and node attempts. */
export class EngineMetrics {
  private readonly runs: Counter<'workflow' | 'status'>;
  private readonly runDuration: Histogram<'workflow' | 'status'>;
  private readonly attempts: Counter<'workflow' | 'node' | 'kind' | 'status'>;
  private readonly nodeDuration: Histogram<'workflow' | 'node' | 'kind'>;

  constructor(registry: Registry) {
    this.runs = new Counter({
      name: 'workflow_runs_total',
      help: 'Executions of workflow runs by a worker, by workflow and outcome (a final status, or waiting)',
      labelNames: ['workflow', 'status'] as const,
      registers: [registry],
    });
    this.runDuration = new Histogram({
      name: 'workflow_run_duration_seconds',
      help: 'Time a worker spent executing a run, by workflow and final status',
      labelNames: ['workflow', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.attempts = new Counter({
      name: 'workflow_node_attempts_total',
      help: 'Node attempts, by workflow, node, kind (process/compensate) and outcome (succeeded, retried, failed, waiting)',
      labelNames: ['workflow', 'node', 'kind', 'status'] as const,
      registers: [registry],
    });
    this.nodeDuration = new Histogram({
      name: 'workflow_node_duration_seconds',
      help: 'Duration of node attempts, by workflow, node and kind',
      labelNames: ['workflow', 'node', 'kind'] as const,
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    });
  }

  /** A journal that counts one run's attempts. */
  journalFor(workflow: string): Journal {
    return {
      nodeSucceeded: (e) => {
        this.attempts.inc({ workflow, node: e.nodeId, kind: e.kind, status: 'succeeded' });
        this.nodeDuration.observe({ workflow, node: e.nodeId, kind: e.kind }, e.durationMs / 1000);
      },
      nodeFailed: (e) => {
        this.attempts.inc({ workflow, node: e.nodeId, kind: e.kind, status: e.willRetry ? 'retried' : 'failed' });
        this.nodeDuration.observe({ workflow, node: e.nodeId, kind: e.kind }, e.durationMs / 1000);
      },
      nodeSuspended: (e) => {
        this.attempts.inc({ workflow, node: e.nodeId, kind: e.kind, status: 'waiting' });
      },
    };
  }

  runFinished(result: RunResult, seconds: number): void {
    this.runs.inc({ workflow: result.workflow, status: result.status });
    this.runDuration.observe({ workflow: result.workflow, status: result.status }, seconds);
  }
}

/** Calls each journal in turn (awaiting any promise) for every event. */
export function combineJournals(...journals: Journal[]): Journal {
  const call = async <K extends keyof Journal>(method: K, event: Parameters<NonNullable<Journal[K]>>[0]): Promise<void> => {
    for (const journal of journals) {
      const fn = journal[method] as ((e: typeof event) => void | Promise<void>) | undefined;
      if (fn) await fn.call(journal, event);
    }
  };
  return {
    runStarted: (e) => call('runStarted', e),
    nodeStarted: (e) => call('nodeStarted', e),
    nodeSucceeded: (e) => call('nodeSucceeded', e),
    nodeFailed: (e) => call('nodeFailed', e),
    nodeSuspended: (e) => call('nodeSuspended', e),
    runFinished: (e) => call('runFinished', e),
  };
}
