import { isPermanent, RunCancelledError, SiblingFailedError } from '../errors.js';
import type { Journal, NodeFailedEvent, NodeStartedEvent, NodeSucceededEvent, NodeSuspendedEvent } from '../journal.js';
import type { RunStore } from './store.js';

/** Thrown into the executor when another worker has taken over the run; this worker stops at once. */
export class LeaseLostError extends Error {
  constructor(runId: string) {
    super(`Lease of run ${runId} was lost to another worker`);
    this.name = 'LeaseLostError';
  }
}

/** A JSON-safe description of an error stored in workflow_steps.error. */
export function describeError(error: unknown): { name: string; message: string; permanent: boolean } {
  if (error instanceof Error) return { name: error.name, message: error.message, permanent: isPermanent(error) };
  return { name: 'Error', message: String(error), permanent: false };
}

/**
 * Checkpoints every node attempt as one workflow_steps row, written when the attempt ends, in the
 * same statement that extends the lease. Attempt numbers continue across resumes.
 */
export class DurableJournal implements Journal {
  private compensating = false;

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly previousAttempts: ReadonlyMap<string, number>,
  ) {}

  private attemptNumber(event: NodeStartedEvent): number {
    return (this.previousAttempts.get(`${event.kind}:${event.nodeId}`) ?? 0) + event.attempt;
  }

  async nodeStarted(event: NodeStartedEvent): Promise<void> {
    if (event.kind === 'compensate' && !this.compensating) {
      this.compensating = true;
      await this.store.markCompensating(this.runId, this.owner);
    }
  }

  async nodeSucceeded(event: NodeSucceededEvent): Promise<void> {
    const held = await this.store.recordStep(
      {
        runId: this.runId,
        nodeId: event.nodeId,
        kind: event.kind,
        attempt: this.attemptNumber(event),
        status: 'succeeded',
        output: event.output,
        next: event.next,
        ...(event.stopReason !== undefined ? { stopReason: event.stopReason } : {}),
        durationMs: event.durationMs,
      },
      this.owner,
      event.next ?? event.nodeId,
      this.leaseMs,
    );
    if (!held) throw new LeaseLostError(this.runId);
  }

  async nodeFailed(event: NodeFailedEvent): Promise<void> {
    const cancelled = event.error instanceof RunCancelledError || event.error instanceof SiblingFailedError;
    const held = await this.store.recordStep(
      {
        runId: this.runId,
        nodeId: event.nodeId,
        kind: event.kind,
        attempt: this.attemptNumber(event),
        status: cancelled ? 'cancelled' : 'failed',
        error: { ...describeError(event.error), willRetry: event.willRetry, retryDelayMs: event.retryDelayMs },
        durationMs: event.durationMs,
      },
      this.owner,
      event.nodeId,
      this.leaseMs,
    );
    if (!held) throw new LeaseLostError(this.runId);
  }

  /** A step row with status `waiting` and the waits as output; the run row is suspended after the run returns. */
  async nodeSuspended(event: NodeSuspendedEvent): Promise<void> {
    const held = await this.store.recordStep(
      {
        runId: this.runId,
        nodeId: event.nodeId,
        kind: event.kind,
        attempt: this.attemptNumber(event),
        status: 'waiting',
        output: { waits: event.waits.map((w) => ({ signal: w.signal, deadline: w.deadline })) },
        durationMs: event.durationMs,
      },
      this.owner,
      event.nodeId,
      this.leaseMs,
    );
    if (!held) throw new LeaseLostError(this.runId);
  }
}
