import type { Registry } from 'prom-client';
import type { AppConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { WorkflowEngine } from '../engine/index.js';
import { buildWorkflowRegistry, workflowSchedules } from './workflows.js';
import { createWorkflowQueue } from './queue.js';
import { createServices } from './services.js';
import { schoolTransactions } from './transaction-handle.js';
import type { SchoolServices } from '../modules/services.js';

/**
 * The workflow engine of a process and the services its workflows use: the school's registry,
 * the configured queue (started), and the cron schedules. Call `engine.startWorker` to execute runs in this process.
 */
export async function createEngine(
  config: AppConfig,
  db: Database,
  options: { metricsRegistry?: Registry; onError?: (error: unknown, context: string) => void; signingSecret?: string } = {},
): Promise<{ engine: WorkflowEngine; services: SchoolServices }> {
  const services = createServices(config, db, options.signingSecret ? { signingSecret: options.signingSecret } : {});
  const queue = createWorkflowQueue(config, db, config.database.kind === 'postgres' ? { databaseUrl: config.database.url } : {});
  const engine = new WorkflowEngine({
    registry: buildWorkflowRegistry(services),
    sql: db.sql,
    queue,
    transactions: schoolTransactions(db),
    ...(options.metricsRegistry ? { metricsRegistry: options.metricsRegistry } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  services.workflows.bind(engine);
  await queue.start();
  for (const { workflow, cron } of workflowSchedules(config)) {
    if (cron === null) await engine.unschedule(workflow);
    else await engine.schedule(workflow, cron, config.schoolTimezone);
  }
  return { engine, services };
}
