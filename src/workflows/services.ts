import type { AppConfig } from '../config.js';
import type { Database } from '../db/client.js';
import type { PaymentGateway } from '../modules/payments/gateway/types.js';
import type { EmailTransport, SmsProvider } from '../modules/notifications/transports/types.js';

/** Starts durable workflow runs from inside a node or a route (the engine, late-bound). */
export interface WorkflowStarter {
  /** Same idempotency key → the same run (`created: false` the second time). */
  start(workflow: string, event: unknown, options?: { idempotencyKey?: string }): Promise<{ runId: string; created: boolean }>;
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
}
