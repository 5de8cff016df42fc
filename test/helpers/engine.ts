import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import { WorkflowEngine, type WorkflowRegistry } from '../../src/engine/index.js';
import { createWorkflowQueue } from '../../src/runtime/queue.js';
import { schoolTransactions } from '../../src/runtime/transaction-handle.js';
import type { TestDatabase } from './db.js';

/**
 * A real engine on a test database: pg-boss on that database, or BullMQ when `redisUrl` is given
 * (with a unique key prefix). Remember `engine.stop()`.
 */
export async function createTestEngine(
  database: TestDatabase,
  registry: WorkflowRegistry,
  options: { redisUrl?: string; metricsRegistry?: Registry; leaseMs?: number; sweepIntervalMs?: number } = {},
): Promise<WorkflowEngine> {
  const queue = createWorkflowQueue({ redisUrl: options.redisUrl }, database.db, {
    ...(database.url ? { databaseUrl: database.url } : {}),
    redisPrefix: `test-${process.pid}-${randomBytes(4).toString('hex')}`,
  });
  await queue.start();
  return new WorkflowEngine({
    registry,
    sql: database.db.sql,
    queue,
    transactions: schoolTransactions(database.db),
    ...(options.metricsRegistry ? { metricsRegistry: options.metricsRegistry } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.sweepIntervalMs ? { sweepIntervalMs: options.sweepIntervalMs } : {}),
  });
}
