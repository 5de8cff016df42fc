import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { defineNode, type TaskContext } from '../../../engine/index.js';
import { lessons } from '../../../db/schema/lessons.js';
import { createLessons } from '../booking.js';
import { toLessonView } from '../db.js';
import type { LessonDeps } from '../deps.js';
import { bookOutput, NODE, refusalOr, type BookedResult, type BookOutput, type ScheduleEvent } from './contracts.js';
import { openPlan } from './nodes.js';

type Ctx = TaskContext<ScheduleEvent>;

/**
 * Lessons this run booked already: a worker that died after createLessons committed, but before
 * the node's checkpoint, resumes here and must not book again (it would conflict with itself).
 * They are the student's lessons at the planned starts whose `create` audit row carries this
 * node's idempotency key as request id (createLessons writes lessons and audit rows in one
 * transaction, so it is all of them or none).
 */
async function alreadyBooked(deps: LessonDeps, ctx: Ctx): Promise<BookedResult | undefined> {
  const plan = openPlan(ctx);
  const rows = await deps.db.orm
    .select()
    .from(lessons)
    .where(
      and(
        eq(lessons.studentId, ctx.event.lesson.studentId),
        inArray(
          lessons.scheduledAt,
          plan.occurrences.map((start) => new Date(start)),
        ),
        sql`EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'lesson' AND a.action = 'create'
          AND a.entity_id = ${lessons.id}::text AND a.request_id = ${ctx.idempotencyKey})`,
      ),
    )
    .orderBy(asc(lessons.scheduledAt));
  const first = rows[0];
  if (!first) return undefined;
  const views = rows.map((row) => toLessonView(row, plan.rules.zone));
  if (!ctx.event.lesson.recurrence) return { kind: 'lesson', lesson: views[0]! };
  if (first.seriesId === null) throw new Error(`lesson ${first.id} of run ${ctx.runId} should belong to a series`);
  return { kind: 'series', seriesId: first.seriesId, lessons: views, skipped: plan.skipped };
}

/**
 * book: the lessons module's createLessons, as the caller (row-level security), with its checks
 * again, its one transaction, audit rows and the exclusion constraints. The audit rows' request id
 * is this node's idempotency key (`<runId>:book`), which ties them to the run. A refusal (booked
 * over by a concurrent request since detect_conflicts) stops the run: nothing to confirm.
 * No timeout on purpose: an abandoned attempt could still commit while its retry books again.
 */
export function buildBookNode(deps: LessonDeps) {
  return defineNode<ScheduleEvent, BookOutput>({
    id: NODE.book,
    description: 'Books the lesson or the whole series through createLessons (one transaction, audited)',
    retry: { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 2_000 },
    output: bookOutput,
    process: async (ctx) => {
      const resumed = await alreadyBooked(deps, ctx);
      if (resumed) return { status: 'booked', result: resumed, resumed: true };
      const actor = { userId: ctx.event.caller.userId, role: ctx.event.caller.role, requestId: ctx.idempotencyKey };
      const booked = await refusalOr(() => createLessons(deps, ctx.event.caller, actor, ctx.event.lesson));
      if ('refused' in booked) {
        ctx.stop(booked.refused.message);
        return { status: 'refused', error: booked.refused };
      }
      return { status: 'booked', result: booked.value, resumed: false };
    },
  });
}
