/**
 * The `csv-import` workflow: applies the rows of one import (POST /api/v1/imports) in batches.
 * `rows` commits batch after batch, each with the import's checkpoint (run.ts), so a run resumed
 * after a crash (or a retry after a lost connection) goes on at the first unfinished batch and
 * never applies a row twice; `finish` marks the import completed and drops its pending rows. A
 * run that fails for good marks the import `failed` with the error (`rows`' last attempt; GET
 * /imports/{id} also reads the run's state, for a worker that died on it): the
 * batches already committed stay, as the counts say; retrying the run, or importing the file
 * again, finishes it.
 */
import { z } from 'zod';
import { defineNode, defineWorkflow, isPermanent, type TaskContext } from '../../engine/index.js';
import { deliverQueuedMailSoon } from '../notifications/send.js';
import type { SchoolServices } from '../services.js';
import { failImport, finishImport, runNextBatch } from './run.js';

export const CSV_IMPORT_WORKFLOW = 'csv-import';

const event = z.object({ importId: z.number().int().positive() });
type Ctx = TaskContext<z.infer<typeof event>>;

/** Attempts of the `rows` node (each goes on at the first unfinished batch). */
const ROWS_ATTEMPTS = 3;

export function buildCsvImportWorkflow(services: SchoolServices) {
  const deps = { db: services.db, config: services.config };

  const rows = defineNode({
    id: 'rows',
    description: 'Applies the rows in batches of 50, each batch one transaction with the checkpoint',
    retry: { maxAttempts: ROWS_ATTEMPTS, initialDelayMs: 1_000 },
    timeoutMs: 30 * 60_000,
    process: async (ctx: Ctx): Promise<{ processed: number; total: number }> => {
      try {
        for (;;) {
          if (ctx.signal.aborted) throw new Error('the import was interrupted');
          const batch = await runNextBatch(deps, ctx.event.importId);
          if (batch.mailQueued) deliverQueuedMailSoon(services.workflows);
          if (batch.done) return { processed: batch.processed, total: batch.total };
        }
      } catch (error) {
        // The last attempt (or an error no retry mends): the import failed for good; the stored status says so.
        if (ctx.attempt >= ROWS_ATTEMPTS || isPermanent(error)) await failImport(deps, ctx.event.importId, error);
        throw error;
      }
    },
  });

  const finish = defineNode({
    id: 'finish',
    description: 'Marks the import completed and drops its pending rows',
    process: async (ctx: Ctx): Promise<{ completed: true }> => {
      await finishImport(deps, ctx.event.importId);
      return { completed: true };
    },
  });

  return defineWorkflow({
    name: CSV_IMPORT_WORKFLOW,
    description: 'Imports families, teachers or weekly hours from a CSV file, in batches, idempotently',
    event,
    start: 'rows',
    nodes: [{ node: rows, connections: ['finish'] }, { node: finish }],
  });
}
