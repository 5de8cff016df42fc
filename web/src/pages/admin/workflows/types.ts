import type { paths } from '../../../api/schema';

/** One registered workflow (`GET /workflows`). */
export type WorkflowSummary = paths['/api/v1/workflows']['get']['responses'][200]['content']['application/json']['data'][number];
/** One run as the run list answers it. */
export type RunSummary = paths['/api/v1/workflows/runs']['get']['responses'][200]['content']['application/json']['data'][number];
/** One run with its nodes and attempts (`GET /workflows/runs/{id}`). */
export type RunDetail = paths['/api/v1/workflows/runs/{id}']['get']['responses'][200]['content']['application/json'];
export type RunStatus = RunSummary['status'];

/** Every run status, in the order the filter lists them. */
export const runStatuses: readonly RunStatus[] = ['queued', 'running', 'waiting', 'compensating', 'succeeded', 'failed', 'stopped', 'cancelled', 'compensated'];

/** Statuses after which a run changes no more (its page stops refreshing). */
export const finalRunStatuses: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'stopped', 'cancelled', 'compensated']);

/** The admin console path of a run's page, from any section (wouter's `~` leaves the section's nest). */
export const runPageHref = (runId: string): string => `~/app/workflows/runs/${runId}`;
