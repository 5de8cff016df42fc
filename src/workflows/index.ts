import { WorkflowRegistry } from '../engine/index.js';
import type { SchoolServices } from './services.js';

/**
 * Every business workflow of the school, registered (and validated) in one place.
 * Workflows live in their domain folders (`modules/<domain>/workflows/`) and are added here;
 * each is built from the process's services (database, gateway, transports, workflow starter).
 */
export function buildWorkflowRegistry(services: SchoolServices): WorkflowRegistry {
  const registry = new WorkflowRegistry();
  void services;
  return registry;
}

/** Cron schedules of scheduled workflows: 5-field cron expressions in the school's time zone. */
export const workflowSchedules: ReadonlyArray<{ workflow: string; cron: string }> = [];
