import { isPermanent, RunCancelledError, SiblingFailedError } from '../errors.js';
import type { Journal, NodeFailedEvent, NodeStartedEvent, NodeSucceededEvent, NodeSuspendedEvent } from '../journal.js';
import type { RunStore, StepWrite } from './store.js';

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
 *
 * A success after which no node is running is held back until the next node starts (it is written
 * before that node runs) or the run ends, when the worker writes it with the run's final status in
 * one statement (`takeHeldStep`, `RunStore.finish`). Either way it is durable before anything else
 * of the run executes: a crash meanwhile repeats only that node, as a crash before its checkpoint
 * always could.
 */
export class DurableJournal implements Journal {
  private compensating = false;
  /** Node attempts started and not yet ended. */
  private running = 0;
  private held: { step: StepWrite; currentNode: string } | undefined;

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

  private async write(step: StepWrite, currentNode: string): Promise<void> {
    const held = await this.store.recordStep(step, this.owner, currentNode, this.leaseMs);
    if (!held) throw new LeaseLostError(this.runId);
  }

  /** Writes the held-back checkpoint, if any. */
  async flush(): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    await this.write(held.step, held.currentNode);
  }

  /** The held-back last checkpoint, now the caller's to write (with the run's final status). */
  takeHeldStep(): StepWrite | undefined {
    const held = this.held;
    this.held = undefined;
    return held?.step;
  }

  async nodeStarted(event: NodeStartedEvent): Promise<void> {
    await this.flush();
    this.running++;
    if (event.kind === 'compensate' && !this.compensating) {
      this.compensating = true;
      await this.store.markCompensating(this.runId, this.owner);
    }
  }

  async nodeSucceeded(event: NodeSucceededEvent): Promise<void> {
    this.running--;
    await this.flush();
    const step: StepWrite = {
      runId: this.runId,
      nodeId: event.nodeId,
      kind: event.kind,
      attempt: this.attemptNumber(event),
      status: 'succeeded',
      output: event.output,
      next: event.next,
      ...(event.stopReason !== undefined ? { stopReason: event.stopReason } : {}),
      durationMs: event.durationMs,
    };
    const currentNode = event.next ?? event.nodeId;
    if (this.running === 0) this.held = { step, currentNode };
    else await this.write(step, currentNode);
  }

  async nodeFailed(event: NodeFailedEvent): Promise<void> {
    this.running--;
    await this.flush();
    const cancelled = event.error instanceof RunCancelledError || event.error instanceof SiblingFailedError;
    await this.write(
      {
        runId: this.runId,
        nodeId: event.nodeId,
        kind: event.kind,
        attempt: this.attemptNumber(event),
        status: cancelled ? 'cancelled' : 'failed',
        error: { ...describeError(event.error), willRetry: event.willRetry, retryDelayMs: event.retryDelayMs },
        durationMs: event.durationMs,
      },
      event.nodeId,
    );
  }

  /** A step row with status `waiting` and the waits as output; the run row is suspended after the run returns. */
  async nodeSuspended(event: NodeSuspendedEvent): Promise<void> {
    this.running--;
    await this.flush();
    await this.write(
      {
        runId: this.runId,
        nodeId: event.nodeId,
        kind: event.kind,
        attempt: this.attemptNumber(event),
        status: 'waiting',
        output: { waits: event.waits.map((w) => ({ signal: w.signal, deadline: w.deadline })) },
        durationMs: event.durationMs,
      },
      event.nodeId,
    );
  }
}
