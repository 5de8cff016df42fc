import { WorkflowRegistry } from '../engine/index.js';

/**
 * Every business workflow of the school, registered (and validated) in one place.
 * Workflows live in their domain folders (`modules/<domain>/workflows/`) and are added here.
 */
export function buildWorkflowRegistry(): WorkflowRegistry {
  const registry = new WorkflowRegistry();
  return registry;
}

/** Cron schedules of scheduled workflows: 5-field cron expressions in the school's time zone. */
export const workflowSchedules: ReadonlyArray<{ workflow: string; cron: string }> = [];
