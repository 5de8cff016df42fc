/** Schemas of the progress-report routes (API.md "AI-assisted workflows, approvals, tasks"). */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { boundedDate } from '../../http/date-schemas.js';
import { pageOf, pageQuery } from '../../http/pagination.js';
import { idNumber } from '../records/common.js';
import { reportStatuses } from './store.js';
import { attentionFlag, reportCadences } from './types.js';

/** Longest period one report may cover, in days (both ends included): a school year. */
export const MAX_REPORT_DAYS = 366;
/** Most students one request may name. */
export const MAX_REPORT_STUDENTS = 500;

const daysIn = (from: string, to: string): number => DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days + 1;

export const progressReportsRequest = z
  .strictObject({
    studentIds: z.array(z.number().int().min(1).max(2_147_483_647)).min(1).max(MAX_REPORT_STUDENTS).optional().describe('The students to report on; or `all: true`'),
    all: z.literal(true).optional().describe('Every active student with at least one lesson in the period'),
    period: z.strictObject({
      from: boundedDate.describe('First day (YYYY-MM-DD, school time zone)'),
      to: boundedDate.describe(`Last day, included; at most ${MAX_REPORT_DAYS} days after from`),
    }),
  })
  .superRefine((body, ctx) => {
    if ((body.studentIds === undefined) === (body.all === undefined)) ctx.addIssue({ code: 'custom', path: ['studentIds'], message: 'give either studentIds or all: true' });
    const { from, to } = body.period;
    if (to < from) ctx.addIssue({ code: 'custom', path: ['period', 'to'], message: 'must not be before from' });
    else if (daysIn(from, to) > MAX_REPORT_DAYS) ctx.addIssue({ code: 'custom', path: ['period', 'to'], message: `the period may cover at most ${MAX_REPORT_DAYS} days` });
  });
export type ProgressReportsRequest = z.infer<typeof progressReportsRequest>;

export const reportListQuery = pageQuery.extend({
  from: boundedDate.optional().describe('Reports whose period ends on or after this day'),
  to: boundedDate.optional().describe('Reports whose period starts on or before this day'),
  status: z.enum(reportStatuses).optional().describe('pending | approved | sent | rejected | expired'),
  studentId: idNumber.optional(),
  flagged: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only students needing attention'),
});

export const reportView = z.object({
  id: z.number().int(),
  studentId: z.number().int(),
  studentName: z.string(),
  parentId: z.number().int().nullable(),
  from: z.string(),
  to: z.string(),
  cadence: z.enum(reportCadences),
  status: z.enum(reportStatuses),
  flags: z.array(attentionFlag).describe('Why the student needs attention (for the office only)'),
  draft: z.object({ subject: z.string(), message: z.string() }).describe('As drafted'),
  sentText: z.string().nullable().describe('The message as approved and sent'),
  source: z.string().describe('ai:<provider>/<model> or rules'),
  rulesReason: z.string().nullable(),
  approvalId: z.number().int().nullable().describe('The approval deciding it (pending ones too)'),
  runId: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  sentAt: z.string().nullable(),
});
export const reportPage = pageOf(reportView);
export const reportsStarted = z.object({ runId: z.string() });
