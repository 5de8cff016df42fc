import { sql } from 'drizzle-orm';
import type { EnrollmentSource } from '../../db/schema/enrollments.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import { notFound, validationFailed } from '../../http/errors.js';
import { settingsOf, type LessonDeps } from '../lessons/deps.js';
import type { SchoolServices } from '../services.js';
import type { EnrollmentBody, EnrollmentListQuery, EnrollmentStatusView } from './schemas.js';
import { attachRun, insertOrFind, isSettled, listEnrollments, readStatus, toStatusView } from './store.js';
import { checkSubmission, normalise } from './submission.js';
import { ENROLLMENT_WORKFLOW, type EnrollmentEvent } from './workflows/index.js';

/** How long the admin submission waits for the workflow before answering 202, ms. */
export const ADMIN_WAIT_MS = 10_000;

export interface Submitted {
  enrollmentId: number;
  runId: string | null;
  /** False when the same submission was already accepted: this is that enrollment. */
  created: boolean;
}

/**
 * Enrollments over HTTP: accept a submission (checked, stored once, its workflow run started with an
 * idempotency key of the enrollment), wait for its outcome, read statuses and lists.
 */
export class EnrollmentService {
  private readonly lessons: LessonDeps;

  constructor(
    private readonly services: SchoolServices,
    private readonly options: { now?: () => number; waitMs?: number } = {},
  ) {
    this.lessons = { db: services.db, config: services.config, now: options.now ?? Date.now, workflows: services.workflows };
  }

  /**
   * 400 naming every bad field (nothing written); else the enrollment, new or the living one of the
   * same submission, with its run started (a run lost between the insert and the start is started
   * by the next identical submission: the idempotency key makes it one run).
   */
  async submit(body: EnrollmentBody, source: EnrollmentSource, submittedBy: number | null): Promise<Submitted> {
    const { db, workflows } = this.services;
    const settings = await settingsOf(this.lessons);
    const issues = await checkSubmission(db.sql, settings, body, this.lessons.now());
    if (issues.length > 0) throw validationFailed(issues);
    const stored = await insertOrFind(db.sql, { source, submittedBy, submission: normalise(body) });
    let runId = stored.runId;
    if (runId === null) {
      const event: EnrollmentEvent = { enrollmentId: stored.id };
      runId = (await workflows.start(ENROLLMENT_WORKFLOW, event, { idempotencyKey: `enrollment:${stored.id}` })).runId;
      await attachRun(db.sql, stored.id, runId);
    }
    return { enrollmentId: stored.id, runId, created: stored.created };
  }

  /** The status once the workflow has settled (decided, or waiting for an answer), or as it stands after `waitMs` (then `final` is false). */
  async waitForOutcome(submitted: Submitted, waitMs = this.options.waitMs ?? ADMIN_WAIT_MS): Promise<{ view: EnrollmentStatusView; final: boolean }> {
    if (submitted.runId !== null) await this.services.workflows.waitFor(submitted.runId, waitMs);
    const row = await readStatus(this.services.db.sql, submitted.enrollmentId);
    if (!row) throw notFound(`Enrollment ${submitted.enrollmentId}`);
    return { view: toStatusView(row, true), final: isSettled(row) };
  }

  /**
   * An admin reads any enrollment; a parent only their own (linked to their account or made with
   * their e-mail), anyone else's is 404. The check runs as the caller (row-level security); the
   * status is then read as the owner, because the workflow run it derives from is admin-only.
   */
  async status(caller: Caller, enrollmentId: number): Promise<EnrollmentStatusView> {
    const { db } = this.services;
    if (caller.role !== 'admin') {
      const visible = await asCaller(db, caller, async (tx) => {
        const result = (await tx.execute(sql`SELECT id FROM enrollments WHERE id = ${enrollmentId}
          AND (parent_id = ${caller.userId} OR lower(parent_email) = (SELECT lower(email) FROM users WHERE id = ${caller.userId}))`)) as unknown as { rows: unknown[] };
        return result.rows.length > 0;
      });
      if (!visible) throw notFound(`Enrollment ${enrollmentId}`);
    }
    const row = await readStatus(db.sql, enrollmentId);
    if (!row) throw notFound(`Enrollment ${enrollmentId}`);
    return toStatusView(row, caller.role === 'admin');
  }

  /** The family's view, for the holder of a verified status link (the link names the enrollment: 404 only if it was deleted). */
  async statusByLink(enrollmentId: number): Promise<EnrollmentStatusView> {
    const row = await readStatus(this.services.db.sql, enrollmentId);
    if (!row) throw notFound(`Enrollment ${enrollmentId}`);
    return toStatusView(row, false);
  }

  async list(query: EnrollmentListQuery) {
    const { data, total } = await listEnrollments(this.services.db.sql, query);
    return { data, page: query.page, pageSize: query.pageSize, total };
  }
}
