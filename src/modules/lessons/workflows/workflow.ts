/**
 * `lesson_schedule`: POST /api/v1/lessons/schedule as a durable workflow.
 *
 *   check_availability → detect_conflicts → router ─┬→ book → confirm
 *                                                  └→ suggest_alternatives
 *
 * Every rule and every write is the lessons module's (planBooking, conflictsPerOccurrence,
 * singleConflict, bookLessons); the workflow makes each step observable (GET
 * /api/v1/workflows/runs/{id} shows the router's decision) and retryable. A refusal (bad input,
 * a student the caller may not book) stops the run at check_availability.
 */
import { defineWorkflow, type Workflow } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import type { LessonDeps } from '../deps.js';
import { buildBookNode } from './book.js';
import { buildConfirmNode } from './confirm.js';
import { LESSON_SCHEDULE_WORKFLOW, NODE, scheduleEvent, type ScheduleEvent } from './contracts.js';
import { buildDecisionNodes } from './nodes.js';

/** The lessons module's dependencies inside a worker: the clock is real; settings the reader's copy (SETTINGS_CACHE_MS). */
export function lessonDepsOf(services: SchoolServices): LessonDeps {
  return { db: services.db, config: services.config, now: Date.now, workflows: services.workflows };
}

/** Builds the workflow on the process's services; register it once (src/runtime/workflows.ts). */
export function lessonScheduleWorkflow(services: SchoolServices): Workflow<ScheduleEvent> {
  const deps = lessonDepsOf(services);
  const { checkAvailability, detectConflicts, router, suggestAlternatives } = buildDecisionNodes(deps);
  return defineWorkflow({
    name: LESSON_SCHEDULE_WORKFLOW,
    description: 'Schedules a lesson or a recurring series: availability, conflicts, then book and confirm, or suggest alternatives',
    event: scheduleEvent,
    start: NODE.check,
    nodes: [
      { node: checkAvailability, connections: [NODE.detect] },
      { node: detectConflicts, connections: [NODE.router] },
      { node: router, connections: [NODE.book, NODE.suggest] },
      { node: buildBookNode(deps), connections: [NODE.confirm] },
      { node: suggestAlternatives },
      { node: buildConfirmNode(services) },
    ],
  });
}
