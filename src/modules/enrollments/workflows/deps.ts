/**
 * What the enrollment workflow's nodes share: the event, the dependencies, the test seam for
 * forced failures, and who the workflow acts as.
 */
import { z } from 'zod';
import type { Caller } from '../../auth/scoped.js';
import type { SchoolServices } from '../../services.js';
import type { AuditActor } from '../../audit/record.js';
import type { LessonDeps } from '../../lessons/deps.js';

/** Name of the workflow in the registry. */
export const ENROLLMENT_WORKFLOW = 'enrollment';

/** The event: which enrollments row to process. The submission itself lives in that row. */
export const enrollmentEvent = z.object({ enrollmentId: z.number().int().min(1) });
export type EnrollmentEvent = z.infer<typeof enrollmentEvent>;

/** Node ids, in graph order. */
export const enrollmentNodes = ['validate', 'decide', 'confirm', 'confirmed', 'reject', 'waitlist', 'waitlisted', 'family', 'payment', 'assign', 'demo', 'welcome'] as const;
export type EnrollmentNodeId = (typeof enrollmentNodes)[number];

/** A test seam, never set in production, to force failures around a writing node's commit. */
export interface EnrollmentFaults {
  /**
   * Awaited inside each writing node's last transaction just before it commits (the demo node:
   * before its last write). Throwing there rolls the node's work back and fails the node (a
   * PermanentError skips retries), so tests can force a failure after any node.
   */
  beforeCommit?(node: EnrollmentNodeId, enrollmentId: number): void | Promise<void>;
  /**
   * Awaited once a writing node's `ctx.transaction` has committed, before the node returns and so
   * before its checkpoint. Throwing there (a retryable error) makes the node run again over work
   * already committed and recorded.
   */
  afterCommit?(node: EnrollmentNodeId, enrollmentId: number): void | Promise<void>;
}

export interface EnrollmentWorkflowDeps {
  services: SchoolServices;
  /** The clock (epoch ms); default Date.now. */
  now?: () => number;
  faults?: EnrollmentFaults;
}

/** The resolved dependencies every node receives. */
export interface NodeDeps {
  services: SchoolServices;
  now: () => number;
  faults: EnrollmentFaults;
  lessons: LessonDeps;
}

export function nodeDeps(deps: EnrollmentWorkflowDeps): NodeDeps {
  const now = deps.now ?? Date.now;
  const { config, db } = deps.services;
  return { services: deps.services, now, faults: deps.faults ?? {}, lessons: { db, config, now, workflows: deps.services.workflows } };
}

/** Calls the fault seam before the commit, if any. */
export async function checkpointFault(deps: NodeDeps, node: EnrollmentNodeId, enrollmentId: number): Promise<void> {
  await deps.faults.beforeCommit?.(node, enrollmentId);
}

/** Calls the fault seam after the commit, if any. */
export async function committedFault(deps: NodeDeps, node: EnrollmentNodeId, enrollmentId: number): Promise<void> {
  await deps.faults.afterCommit?.(node, enrollmentId);
}

/**
 * The workflow books lessons through the lessons module as the school office: an admin caller
 * for row-level security (user id 0 is no real account), audited as the system.
 */
export const OFFICE: Caller = { userId: 0, role: 'admin' };

/** The audit actor of the workflow's writes: the system, with the enrollment as the request. */
export const systemActor = (enrollmentId: number): AuditActor => ({ userId: null, role: 'system', requestId: `enrollment:${enrollmentId}` });

/** Retry policy of nodes that talk to the database only. */
export const DB_RETRY = { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 1_000 } as const;
/** Retry policy of nodes that call outside services (payment gateway, notification starts). */
export const SERVICE_RETRY = { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 2_000 } as const;
