import { defineNode } from '../../../engine/index.js';
import { bookLessons } from '../booking.js';
import type { LessonDeps } from '../deps.js';
import { bookOutput, NODE, refusalOr, type BookOutput, type ScheduleEvent } from './contracts.js';

/**
 * book: the lessons module's bookLessons inside the node's ctx.transaction, as the caller
 * (row-level security), with its checks again, the exclusion constraints and the audit rows
 * (request id: this node's idempotency key, `<runId>:book`). The transaction also records the
 * result, so a node run again (a retry, or a resume after the worker died between the commit and
 * the checkpoint) gets the same lessons and books nothing. A refusal (booked over by a concurrent
 * request since detect_conflicts) is recorded too, with nothing booked, and stops the run.
 * No timeout on purpose: an abandoned attempt could still be committing while its retry runs.
 */
export function buildBookNode(deps: LessonDeps) {
  return defineNode<ScheduleEvent, BookOutput>({
    id: NODE.book,
    description: 'Books the lesson or the whole series in one transaction with its recorded result (audited)',
    retry: { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 2_000 },
    output: bookOutput,
    process: async (ctx) => {
      const { caller, lesson } = ctx.event;
      const actor = { userId: caller.userId, role: caller.role, requestId: ctx.idempotencyKey };
      // A refusal leaves the transaction usable with nothing booked (bookLessons), so it commits
      // and is recorded; any other error rolls it back and the node is retried.
      const booked = await ctx.transaction((tx) => refusalOr(() => bookLessons(tx, deps, caller, actor, lesson)));
      if ('refused' in booked) {
        ctx.stop(booked.refused.message);
        return { status: 'refused', error: booked.refused };
      }
      return { status: 'booked', result: booked.value };
    },
  });
}
