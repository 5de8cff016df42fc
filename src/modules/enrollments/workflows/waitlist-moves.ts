/**
 * The `waitlist-moves` workflow: when a place opens for an instrument (a teacher starts teaching it
 * or is created, a teacher's capacity or availability grows, a student leaves or changes teacher),
 * the waitlisted families of that instrument, in order, get the open places: each is promoted
 * automatically (its waiting enrollment run goes on: teacher, demo lesson, welcome e-mail). That is
 * the behaviour chosen for the school: the family asked for lessons and is told by the welcome
 * e-mail, with its teacher and trial lesson, instead of having to answer an offer first.
 *
 * Started by the routes that change places (best effort, keyed by the request id, so a retried
 * request starts no second run) and by cron every 15 minutes, which catches every other change
 * (a change made by SQL, a failed enrollment that freed its place, a start that was lost).
 * Idempotent: the claim happens once per enrollment under the waitlist's lock (claimOpenPlaces, in
 * `ctx.transaction`, recorded with the node's result), and the signal keeps the first payload per
 * run; so a family is promoted once per opening, however many runs overlap.
 */
import { z } from 'zod';
import { defineNode, defineWorkflow, type Workflow } from '../../../engine/index.js';
import type { SchoolServices, WorkflowStarter } from '../../services.js';
import { claimOpenPlaces } from '../waitlist.js';
import { WAITLIST_PLACE, type WaitlistAnswer } from './waitlist-signal.js';

export const WAITLIST_MOVES_WORKFLOW = 'waitlist-moves';
/** Cron schedule of the sweep (5-field, the school's zone). */
export const WAITLIST_MOVES_CRON = '*/15 * * * *';

/** Cron firings carry `{ firedAt }`; a change says what happened (`cause`, e.g. "teacher 4 updated"). */
export const waitlistMovesEvent = z.object({ firedAt: z.string().optional(), cause: z.string().max(200).optional() });
export type WaitlistMovesEvent = z.infer<typeof waitlistMovesEvent>;

const promotedOutput = z.object({ promoted: z.array(z.object({ enrollmentId: z.number().int(), runId: z.string() })) });

export function waitlistMovesWorkflow(services: SchoolServices): Workflow<WaitlistMovesEvent> {
  const promote = defineNode<WaitlistMovesEvent, z.infer<typeof promotedOutput>>({
    id: 'promote_next',
    description: 'Give the open places to the waitlisted enrollments in order (claimed once) and signal their runs',
    retry: { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 2_000 },
    output: promotedOutput,
    process: async (ctx) => {
      const claimed = await ctx.transaction(({ sql }) => claimOpenPlaces(sql, 'waitlist'));
      const answer: WaitlistAnswer = { by: 'waitlist', approved: true };
      for (const { runId } of claimed) await services.workflows.signal(runId, WAITLIST_PLACE, answer);
      return { promoted: claimed };
    },
  });
  return defineWorkflow({
    name: WAITLIST_MOVES_WORKFLOW,
    description: 'When places open, promote the waitlisted enrollments in order (started on changes and every 15 minutes)',
    event: waitlistMovesEvent,
    start: 'promote_next',
    nodes: [{ node: promote }],
  });
}

/**
 * Starts a `waitlist-moves` run after a committed change that may have opened a place. Best effort
 * (the cron catches what a failed start misses); `requestId` keys it, so a retried request starts
 * no second run.
 */
export function waitlistMayMove(workflows: WorkflowStarter, cause: string, requestId: string): void {
  workflows.start(WAITLIST_MOVES_WORKFLOW, { cause: cause.slice(0, 200) }, { idempotencyKey: `waitlist:${requestId}` }).catch(() => undefined);
}
