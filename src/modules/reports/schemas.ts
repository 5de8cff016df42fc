import { z } from 'zod';
import { idNumber, isoDate } from '../records/common.js';

/**
 * GET /api/v1/reports/{report}: `from`..`to` are local days in the school's zone, inclusive
 * (defaults: `to` today, `from` a year before `to`'s next day); at most 5 years. `groupBy` defaults
 * to the report's first grouping. `teacherId` limits teacher-scoped reports to one teacher.
 */
export const reportParams = z.object({ report: z.string().min(1).max(60) });
export const reportQuery = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  groupBy: z.string().max(60).optional(),
  format: z.enum(['json', 'csv']).optional(),
  teacherId: idNumber.optional(),
});
export type ReportQuery = z.infer<typeof reportQuery>;

const cell = z.union([z.string(), z.number(), z.null()]);
export const reportAnswer = z.object({
  report: z.string(),
  from: z.string(),
  to: z.string(),
  groupBy: z.string(),
  timezone: z.string(),
  teacherId: z.number().int().nullable(),
  /** The columns of `rows`, in order (the CSV header). */
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), cell)),
  /** Sums of the columns that add up; null when none do. */
  totals: z.record(z.string(), cell).nullable(),
});
export type ReportAnswer = z.infer<typeof reportAnswer>;

/** GET /api/v1/dashboard: one entry per tile, by the tile's key. */
export const dashboardAnswer = z.object({
  generatedAt: z.string(),
  timezone: z.string(),
  today: z.string(),
  tiles: z.record(z.string(), z.record(z.string(), cell)),
});
export type DashboardAnswer = z.infer<typeof dashboardAnswer>;
