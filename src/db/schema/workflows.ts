import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, jsonb, pgTable, text, unique, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

export const workflowRunStatuses = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'stopped', 'cancelled', 'compensating', 'compensated'] as const;
export const workflowStepKinds = ['process', 'compensate'] as const;
export const workflowStepStatuses = ['running', 'succeeded', 'failed', 'cancelled', 'waiting'] as const;

export type WorkflowRunStatus = (typeof workflowRunStatuses)[number];
export type WorkflowStepKind = (typeof workflowStepKinds)[number];
export type WorkflowStepStatus = (typeof workflowStepStatuses)[number];

/**
 * One durable workflow run. A worker takes it by setting lease_owner / lease_expires_at and
 * incrementing attempt; an expired lease means the worker died and the run may be resumed.
 */
export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workflowName: text('workflow_name').notNull(),
    status: text('status', { enum: workflowRunStatuses }).notNull().default('queued'),
    event: jsonb('event').$type<unknown>().notNull().default({}),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** Unique per workflow_name (NULLs never collide). */
    idempotencyKey: text('idempotency_key'),
    currentNode: text('current_node'),
    stopReason: text('stop_reason'),
    error: jsonb('error').$type<unknown>(),
    /** The run's final output (0002_engine_durability). */
    result: jsonb('result').$type<unknown>(),
    /** Set by a cancel request; the worker holding the lease sees it and stops (0002_engine_durability). */
    cancelRequestedAt: tstz('cancel_requested_at'),
    /** How many times a worker has taken the run. */
    attempt: integer('attempt').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: tstz('lease_expires_at'),
    /** Signals a `waiting` run waits for (0014_engine_waits); null unless waiting. */
    waitingFor: text('waiting_for').array(),
    /** Earliest deadline of those waits, when the sweeper wakes the run; null unless waiting. */
    waitingUntil: tstz('waiting_until'),
    retryOf: uuid('retry_of').references((): AnyPgColumn => workflowRuns.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    unique('workflow_runs_idempotency_key').on(t.workflowName, t.idempotencyKey),
    index('workflow_runs_status_idx').on(t.status),
    index('workflow_runs_name_created_idx').on(t.workflowName, t.createdAt.desc()),
    index('workflow_runs_created_idx').on(t.createdAt.desc()),
    index('workflow_runs_retry_of_idx').on(t.retryOf).where(sql`retry_of IS NOT NULL`),
    index('workflow_runs_waiting_until_idx').on(t.waitingUntil).where(sql`status = 'waiting'`),
  ],
);

/** One row per node attempt (kind 'process') or undo (kind 'compensate'); output is the checkpoint. */
export const workflowSteps = pgTable(
  'workflow_steps',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    runId: uuid('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    kind: text('kind', { enum: workflowStepKinds }).notNull().default('process'),
    /** 1-based. */
    attempt: integer('attempt').notNull().default(1),
    status: text('status', { enum: workflowStepStatuses }).notNull().default('running'),
    inputRef: text('input_ref'),
    output: jsonb('output').$type<unknown>(),
    /** The router's decision or the next node taken. */
    nextNode: text('next_node'),
    error: jsonb('error').$type<unknown>(),
    /** Why a node stopped the run on purpose (0002_engine_durability). */
    stopReason: text('stop_reason'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
    durationMs: doublePrecision('duration_ms'),
  },
  (t) => [unique('workflow_steps_attempt_key').on(t.runId, t.nodeId, t.kind, t.attempt)],
);

/** A signal sent to a run (0014_engine_waits): the first payload per run and name is kept. */
export const workflowSignals = pgTable(
  'workflow_signals',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    runId: uuid('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    payload: jsonb('payload').$type<unknown>(),
    receivedAt: tstz('received_at').notNull().defaultNow(),
  },
  (t) => [unique('workflow_signals_run_name_key').on(t.runId, t.name)],
);

/** The deadline of a node's wait for a signal, written the first time the node waits (0014_engine_waits). */
export const workflowWaits = pgTable(
  'workflow_waits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    runId: uuid('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    signal: text('signal').notNull(),
    deadline: tstz('deadline').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [unique('workflow_waits_run_node_signal_key').on(t.runId, t.nodeId, t.signal)],
);

/** The recorded result of the seq-th `ctx.transaction` of a node (or its compensation) (0014_engine_waits). */
export const workflowTransactions = pgTable(
  'workflow_transactions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    runId: uuid('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    kind: text('kind', { enum: workflowStepKinds }).notNull(),
    /** 1-based: the n-th call within one execution of the node. */
    seq: integer('seq').notNull(),
    result: jsonb('result').$type<unknown>().notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [unique('workflow_transactions_step_key').on(t.runId, t.nodeId, t.kind, t.seq)],
);

export type WorkflowRun = typeof workflowRuns.$inferSelect;
export type NewWorkflowRun = typeof workflowRuns.$inferInsert;
export type WorkflowStep = typeof workflowSteps.$inferSelect;
export type NewWorkflowStep = typeof workflowSteps.$inferInsert;
