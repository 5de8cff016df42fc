import type { Workflow } from '../types.js';
import { finalStatuses, type RunRecord, type StepRecord } from './records.js';

/** One node of a run, as the status endpoint shows it. */
export interface NodeView {
  nodeId: string;
  /** `waiting`: the node waits for a signal (the run's `waitingFor`, until `waitingUntil`). */
  status: 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled' | 'compensated' | 'compensation_failed';
  attempts: number;
  output: unknown;
  error: unknown;
  next: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

/** A run with progress and per-node results. */
export interface RunView extends RunRecord {
  progress: { completedNodes: number; totalNodes: number; percent: number };
  nodes: NodeView[];
  attemptsLog: StepRecord[];
}

/** Folds the step rows of a run into one entry per node, in the order nodes were first touched. */
export function buildRunView(run: RunRecord, steps: StepRecord[], workflow: Workflow | undefined): RunView {
  const byNode = new Map<string, NodeView>();
  for (const step of steps) {
    let view = byNode.get(step.nodeId);
    if (!view) {
      view = { nodeId: step.nodeId, status: 'pending', attempts: 0, output: null, error: null, next: null, startedAt: step.startedAt, finishedAt: null, durationMs: null };
      byNode.set(step.nodeId, view);
    }
    if (step.kind === 'process') {
      view.attempts = Math.max(view.attempts, step.attempt);
      view.status = step.status;
      view.finishedAt = step.finishedAt;
      view.durationMs = step.durationMs;
      if (step.status === 'succeeded') {
        view.output = step.output;
        view.next = step.next;
        view.error = null;
      } else if (step.status === 'waiting') {
        // Still waiting only while the run is; woken, it runs again (or was cancelled before it could).
        view.status = run.status === 'waiting' ? 'waiting' : finalStatuses.has(run.status) || run.status === 'compensating' ? 'cancelled' : 'running';
        view.error = null;
      } else view.error = step.error;
    } else if (step.status === 'succeeded') view.status = 'compensated';
    else if (step.status === 'failed') {
      view.status = 'compensation_failed';
      view.error = step.error;
    }
  }
  const current = run.status === 'running' ? (run.currentNode ?? workflow?.start ?? null) : run.currentNode;
  if (current && (run.status === 'running' || run.status === 'compensating') && !byNode.get(current)?.finishedAt) {
    const view = byNode.get(current);
    if (!view) byNode.set(current, { nodeId: current, status: 'running', attempts: 0, output: null, error: null, next: null, startedAt: null, finishedAt: null, durationMs: null });
    else if (view.status !== 'succeeded') view.status = 'running';
  }
  const totalNodes = workflow?.nodes.length ?? byNode.size;
  const completedNodes = [...byNode.values()].filter((n) => n.status === 'succeeded' || n.status === 'compensated').length;
  const percent = run.status === 'succeeded' ? 100 : totalNodes === 0 ? 0 : Math.min(99, Math.round((completedNodes / totalNodes) * 100));
  return { ...run, currentNode: current, progress: { completedNodes, totalNodes, percent }, nodes: [...byNode.values()], attemptsLog: steps };
}
