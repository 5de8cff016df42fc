/**
 * The deciding half of `lesson_schedule`: check_availability → detect_conflicts → router →
 * suggest_alternatives. Every rule comes from the lessons module (planBooking,
 * conflictsPerOccurrence, singleConflict); these nodes only split it into observable steps.
 */
import { z } from 'zod';
import { defineNode, defineRouter, type TaskContext } from '../../../engine/index.js';
import { conflict } from '../../../http/errors.js';
import { conflictsPerOccurrence, planBooking, singleConflict } from '../booking.js';
import type { LessonDeps } from '../deps.js';
import { slot } from '../schemas.js';
import {
  availabilityOutput,
  conflictsOutput,
  NODE,
  refusalOr,
  suggestOutput,
  toRefusal,
  type AvailabilityOutput,
  type ConflictsOutput,
  type ScheduleEvent,
  type SuggestOutput,
} from './contracts.js';
import { seriesAlternatives } from './series-alternatives.js';

type Ctx = TaskContext<ScheduleEvent>;
/** What singleConflict puts in a 409's details. */
const singleDetails = z.object({ alternatives: z.array(slot) });
/** Reads are safe to repeat: a few quick retries ride out a dropped connection. */
const READ_RETRY = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 };
const READ_TIMEOUT_MS = 15_000;

/** The open plan of a run (check_availability succeeded without refusing). */
export function openPlan(ctx: Ctx): Extract<AvailabilityOutput, { status: 'open' }> {
  const plan = ctx.output<AvailabilityOutput>(NODE.check);
  if (plan?.status !== 'open') throw new Error(`${ctx.nodeId}: check_availability has no open plan`);
  return plan;
}

export function buildDecisionNodes(deps: LessonDeps) {
  /**
   * The student is bookable by the caller (visible, active, with a teacher; a parent's own child
   * with its own teacher), the time is in the future, and the series is expanded around closures.
   * A refusal stops the run (status `stopped`, the reason in `stopReason`).
   */
  const checkAvailability = defineNode<ScheduleEvent, AvailabilityOutput>({
    id: NODE.check,
    description: "Checks the request against the lessons module's booking rules and expands a series around closures",
    retry: READ_RETRY,
    timeoutMs: READ_TIMEOUT_MS,
    output: availabilityOutput,
    process: async (ctx) => {
      const planned = await refusalOr(() => planBooking(deps, ctx.event.caller, ctx.event.lesson));
      if ('refused' in planned) {
        ctx.stop(planned.refused.message);
        return { status: 'refused', error: planned.refused };
      }
      const { rules, expansion } = planned.value;
      return { status: 'open', rules, occurrences: expansion.occurrences, skipped: expansion.skipped };
    },
  });

  /** Every rule each occurrence breaks (teacher hours, time off, closures, overlaps, buffer, notice). */
  const detectConflicts = defineNode<ScheduleEvent, ConflictsOutput>({
    id: NODE.detect,
    description: 'Checks every occurrence against hours, time off, closures, other lessons, buffer and notice',
    retry: READ_RETRY,
    timeoutMs: READ_TIMEOUT_MS,
    output: conflictsOutput,
    process: async (ctx) => {
      const plan = openPlan(ctx);
      const conflicts = await conflictsPerOccurrence(deps, plan.rules, ctx.event.lesson, plan.occurrences);
      return { checked: plan.occurrences.length, conflicts };
    },
  });

  /** Book when every occurrence is free, otherwise suggest alternatives. */
  const router = defineRouter<ScheduleEvent>({
    id: NODE.router,
    description: 'book when nothing conflicts, else suggest_alternatives',
    route: (ctx) => ((ctx.output<ConflictsOutput>(NODE.detect)?.conflicts.length ?? 1) === 0 ? NODE.book : NODE.suggest),
  });

  /**
   * The 409 the caller gets, with the next free slots: for one lesson exactly as POST /lessons
   * answers it; for a series POST /lessons' answer plus first-lesson slots from which the whole
   * series is free.
   */
  const suggestAlternatives = defineNode<ScheduleEvent, SuggestOutput>({
    id: NODE.suggest,
    description: 'Finds free slots of the same teacher and answers 409 with them',
    retry: READ_RETRY,
    timeoutMs: READ_TIMEOUT_MS,
    output: suggestOutput,
    process: async (ctx) => {
      const plan = openPlan(ctx);
      const problems = ctx.output<ConflictsOutput>(NODE.detect)?.conflicts ?? [];
      const body = ctx.event.lesson;
      if (!body.recurrence) {
        const error = await singleConflict(deps, plan.rules, body, plan.occurrences[0]!, problems[0]?.reasons ?? []);
        return { alternatives: singleDetails.parse(error.details).alternatives, error: toRefusal(error) };
      }
      const alternatives = await seriesAlternatives(deps, plan.rules, { ...body, recurrence: body.recurrence }, plan.occurrences);
      const message = `${problems.length} of ${plan.occurrences.length} lessons of the series conflict; nothing was booked`;
      const error = conflict(message, { conflicts: problems, skipped: plan.skipped, alternatives });
      return { alternatives, error: toRefusal(error) };
    },
  });

  return { checkAvailability, detectConflicts, router, suggestAlternatives };
}
