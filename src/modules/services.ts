import type { AiRunner } from '../ai/index.js';
import type { AppConfig } from '../config.js';
import type { Database } from '../db/client.js';
import type { RunRecord, SignalResult } from '../engine/index.js';
import type { PaymentGateway } from './payments/gateway/types.js';
import type { EmailTransport, SmsProvider } from './notifications/transports/types.js';

/** Starts, signals and reads durable workflow runs from inside a node or a route (the engine, late-bound). */
export interface WorkflowStarter {
  /** Same idempotency key → the same run (`created: false` the second time). */
  start(workflow: string, event: unknown, options?: { idempotencyKey?: string }): Promise<{ runId: string; created: boolean }>;
  /**
   * Sends a signal to a run (the node waiting in `ctx.waitFor(signal)` goes on with `payload`);
   * the first payload per run and signal wins. Undefined for an unknown run.
   */
  signal(runId: string, signal: string, payload?: unknown): Promise<SignalResult | undefined>;
  /** The run as it stands; undefined for an unknown run. */
  status(runId: string): Promise<RunRecord | undefined>;
  /** Waits up to `waitMs` until the run is settled (final, or waiting for a signal); returns it as it then stands. */
  waitFor(runId: string, waitMs: number): Promise<RunRecord>;
}

/**
 * What the school's workflows and routes use from the outside world. Built once per process by
 * `createServices` (src/runtime/services.ts); tests build theirs with other transports.
 */
export interface SchoolServices {
  readonly config: AppConfig;
  readonly db: Database;
  readonly gateway: PaymentGateway;
  readonly email: EmailTransport;
  readonly sms: SmsProvider;
  readonly workflows: WorkflowStarter;
  /**
   * Secret of the signed links the school e-mails (the enrollment status link): the process's JWT
   * secret (JWT_SECRET, or the one generated into DATA_DIR), so every process of the school shares it.
   */
  readonly signingSecret: string;
  /** Runs AI tasks: the configured providers in order, then the rules drafter (src/ai). */
  readonly ai: AiRunner;
}
