import { z } from 'zod';
import { runStatuses } from '../../engine/index.js';

export const workflowName = z.object({ name: z.string().min(1).max(100) });
export const runIdParams = z.object({ id: z.uuid() });

export const startRunBody = z.object({
  event: z.unknown().describe('The triggering event; validated against the workflow event schema'),
  idempotencyKey: z.string().min(1).max(200).optional(),
});

export const runListQuery = z.object({
  workflow: z.string().min(1).max(100).optional(),
  status: z.enum(runStatuses).optional(),
});

const runError = z
  .object({
    nodeId: z.string().nullable(),
    kind: z.string(),
    name: z.string(),
    message: z.string(),
    permanent: z.boolean(),
    attempts: z.number(),
    details: z.array(z.unknown()).readonly().optional(),
  })
  .nullable();

export const runSummary = z.object({
  id: z.string(),
  workflow: z.string(),
  status: z.enum(runStatuses),
  currentNode: z.string().nullable(),
  stopReason: z.string().nullable(),
  error: runError,
  attempt: z.number().int().describe('How many times a worker took the run (more than 1 after a resume)'),
  idempotencyKey: z.string().nullable(),
  waitingFor: z.array(z.string()).nullable().describe('Status waiting: the signals the run waits for; otherwise null'),
  waitingUntil: z.string().nullable().describe('Status waiting: when the earliest of its waits times out; otherwise null'),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const runDetail = runSummary.extend({
  event: z.unknown(),
  progress: z.object({ completedNodes: z.number(), totalNodes: z.number(), percent: z.number() }),
  nodes: z.array(
    z.object({
      nodeId: z.string(),
      status: z.string(),
      attempts: z.number(),
      output: z.unknown(),
      error: z.unknown(),
      next: z.string().nullable(),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      durationMs: z.number().nullable(),
    }),
  ),
  attempts: z.array(
    z.object({
      nodeId: z.string(),
      kind: z.string(),
      attempt: z.number(),
      status: z.string(),
      error: z.unknown(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      durationMs: z.number().nullable(),
    }),
  ),
});

export const startedRun = z.object({
  runId: z.string(),
  status: z.enum(runStatuses),
  created: z.boolean().describe('false when the idempotency key matched an earlier run'),
  statusUrl: z.string(),
});

export const workflowSummary = z.object({
  name: z.string(),
  description: z.string(),
  start: z.string(),
  nodeCount: z.number().int(),
  graphUrl: z.string(),
});
