// Student progress: goals, repertoire, assessments and the timeline. Workflows (the AI progress
// report) read through these functions with the owner's executor (db.sql or a node's transaction).
export { studentProgressSummary } from './summary.js';
export { studentTimeline, type ProgressAudience, type ProgressPeriod } from './timeline.js';
export type { ProgressSummary, TimelineEntry } from './timeline-schemas.js';
export { progressRoutes } from './routes.js';
