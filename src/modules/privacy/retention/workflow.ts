/**
 * The `privacy-retention` workflow (daily at 03:30 in the school's zone, after the backup; or
 * started by hand): `purge` applies the `retention` setting (every purger, each class in its own
 * transaction; repeating it is harmless, so a retry is safe) and returns the report as its output;
 * `record` writes the report to the audit log (`purge` of entity `retention`, id = the run) once.
 */
import { z } from 'zod';
import { defineNode, defineWorkflow, type TaskContext } from '../../../engine/index.js';
import { recordAudit } from '../../audit/record.js';
import type { SchoolServices } from '../../services.js';
import { schoolSettings } from '../../settings/reader.js';
import { runRetention, type RetentionReport } from './run.js';

export const RETENTION_WORKFLOW = 'privacy-retention';
/** When the scheduled purge runs (cron, school's zone). */
export const RETENTION_CRON = '30 3 * * *';

const event = z.object({ firedAt: z.string().optional() });
type Ctx = TaskContext<z.infer<typeof event>>;

export function buildRetentionWorkflow(services: SchoolServices, now: () => number = Date.now) {
  const purge = defineNode({
    id: 'purge',
    description: 'Applies the retention periods: per data class, rows older than the period purged',
    retry: { maxAttempts: 3, initialDelayMs: 1_000 },
    timeoutMs: 30 * 60_000,
    process: async (): Promise<RetentionReport> => {
      const { retention } = await schoolSettings(services.db, services.config).fresh();
      return runRetention(services.db.sql, retention, now(), { dryRun: false });
    },
  });

  const record = defineNode({
    id: 'record',
    description: 'Writes the report to the audit log',
    process: async (ctx: Ctx): Promise<{ recorded: true; rows: number }> => {
      const report = ctx.output(purge);
      if (!report) throw new Error('the purge step left no report');
      await ctx.transaction(async ({ sql }) => {
        await recordAudit(sql, { userId: null, role: 'system', requestId: `run:${ctx.runId}` }, { action: 'purge', entity: 'retention', entityId: ctx.runId, after: report });
        return null;
      });
      return { recorded: true, rows: report.classes.reduce((sum, c) => sum + c.rows, 0) };
    },
  });

  return defineWorkflow({
    name: RETENTION_WORKFLOW,
    description: 'Purges data older than its retention period (outbox bodies, notifications, step outputs, audit rows, rejected forms, AI calls) and records the report',
    event,
    start: 'purge',
    nodes: [{ node: purge, connections: ['record'] }, { node: record }],
  });
}
