import { randomBytes } from 'node:crypto';
import { AiRunner } from '../ai/index.js';
import type { AppConfig } from '../config.js';
import type { Database } from '../db/client.js';
import type { RunRecord, SignalResult, WorkflowEngine } from '../engine/index.js';
import { schoolSettings } from '../modules/settings/reader.js';
import { createPaymentGateway } from '../modules/payments/gateway/index.js';
import { createEmailTransport } from '../modules/notifications/transports/email.js';
import { createSmsProvider } from '../modules/notifications/transports/sms.js';
import type { SchoolServices, WorkflowStarter } from '../modules/services.js';

/** A WorkflowStarter whose engine is attached after the registry (which needs the services) is built. */
export class LateBoundStarter implements WorkflowStarter {
  private engine: WorkflowEngine | undefined;

  bind(engine: WorkflowEngine): void {
    this.engine = engine;
  }

  private get bound(): WorkflowEngine {
    if (!this.engine) throw new Error('the workflow engine is not started yet');
    return this.engine;
  }

  async start(workflow: string, event: unknown, options: { idempotencyKey?: string } = {}): Promise<{ runId: string; created: boolean }> {
    const { run, created } = await this.bound.start(workflow, event, options);
    return { runId: run.id, created };
  }

  signal(runId: string, signal: string, payload?: unknown): Promise<SignalResult | undefined> {
    return this.bound.signal(runId, signal, payload);
  }

  status(runId: string): Promise<RunRecord | undefined> {
    return this.bound.status(runId);
  }

  waitFor(runId: string, waitMs: number): Promise<RunRecord> {
    return this.bound.waitFor(runId, waitMs);
  }
}

/**
 * The process's services from its configuration; `overrides` replace single parts (tests).
 * `signingSecret` defaults to JWT_SECRET; without it (embedded mode, tests) the caller passes the
 * resolved secret (runtime/secrets.ts), else a random one serves this process only.
 */
export function createServices(
  config: AppConfig,
  db: Database,
  overrides: Partial<Omit<SchoolServices, 'config' | 'db' | 'workflows'>> = {},
): SchoolServices & { workflows: LateBoundStarter } {
  return {
    config,
    db,
    gateway: overrides.gateway ?? createPaymentGateway(config, db.sql),
    email: overrides.email ?? createEmailTransport(config),
    sms: overrides.sms ?? createSmsProvider(config),
    workflows: new LateBoundStarter(),
    signingSecret: overrides.signingSecret ?? config.jwtSecret ?? randomBytes(48).toString('base64url'),
    ai: overrides.ai ?? new AiRunner(config.ai, db.sql, async () => (await schoolSettings(db, config).get()).timezone),
  };
}
