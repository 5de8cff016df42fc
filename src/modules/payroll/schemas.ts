import { z } from 'zod';
import { pageQuery } from '../../http/pagination.js';
import { idNumber, isoDate } from '../records/common.js';

/** Why a line pays a teacher: taught their own lesson, taught as a substitute, a student no-show, a late family cancellation. */
export const lineReasons = ['taught', 'substitute', 'no_show', 'late_cancellation'] as const;
export type LineReason = (typeof lineReasons)[number];

export const runStatuses = ['draft', 'approved', 'paid'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** Longest period of one run, days. */
export const MAX_PERIOD_DAYS = 366;

const cents = z.number().int();

// ───────────── pay rates ─────────────

export const payRateBody = z.object({
  perHourCents: z.number().int('must be whole cents').min(0, 'must not be negative').max(100_000, 'must be at most 100000 cents per hour'),
  effectiveFrom: isoDate.optional().describe("Local date the rate applies from (school's zone); default today"),
});
export type PayRateBody = z.infer<typeof payRateBody>;

const rateRow = z.object({ perHourCents: cents, effectiveFrom: z.string() });
export const payRateView = z.object({
  teacherId: z.number().int(),
  /** The rate in effect today; null before any is set. */
  current: rateRow.nullable(),
  /** Every rate set, newest effective date first. */
  history: z.array(rateRow.extend({ setAt: z.string(), setBy: z.number().int().nullable() })),
});
export type PayRateView = z.infer<typeof payRateView>;

// ───────────── runs ─────────────

/** `{from, to}`: local dates (school's zone), inclusive; `to` not before `from`, at most MAX_PERIOD_DAYS days. */
export const createRunBody = z
  .object({ from: isoDate, to: isoDate })
  .refine((body) => body.to >= body.from, { message: 'must not be before from', path: ['to'] })
  .refine((body) => (Date.parse(body.to) - Date.parse(body.from)) / 86_400_000 < MAX_PERIOD_DAYS, {
    message: `the period may span at most ${MAX_PERIOD_DAYS} days`,
    path: ['to'],
  });
export type CreateRunBody = z.infer<typeof createRunBody>;

export const adjustmentBody = z.object({
  teacherId: idNumber,
  amountCents: z
    .number()
    .int('must be whole cents')
    .min(-10_000_000)
    .max(10_000_000)
    .refine((value) => value !== 0, 'must not be 0')
    .describe('Added to the teacher’s pay; negative deducts'),
  reason: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .min(1, 'is required')
    .max(500),
});
export type AdjustmentBody = z.infer<typeof adjustmentBody>;

export const paidBody = z
  .object({
    paidOn: isoDate.optional().describe('Local date the teachers were paid; default today'),
    reference: z.string().trim().min(1).max(200).optional().describe('E.g. the bank transfer batch'),
  })
  .default({});
export type PaidBody = z.infer<typeof paidBody>;

export const formatQuery = z.object({ format: z.enum(['json', 'csv']).optional().describe('csv: the same as Accept: text/csv') });
export const runListQuery = pageQuery.extend(formatQuery.shape).extend({
  status: z.enum(runStatuses).optional(),
  teacherId: idNumber.optional().describe('Admins: only this teacher’s pay (teachers always see only their own)'),
});
export type RunListQuery = z.infer<typeof runListQuery>;
export const runQuery = formatQuery.extend({ teacherId: idNumber.optional().describe('Admins: only this teacher’s lines and adjustments') });

export const runLine = z.object({
  id: z.number().int(),
  /** Null once the lesson was deleted; the line keeps its facts. */
  lessonId: z.number().int().nullable(),
  lessonDate: z.string(),
  /** With the school's UTC offset. */
  scheduledAt: z.string(),
  teacherId: z.number().int(),
  teacherName: z.string(),
  /** The lesson's own teacher (differs from teacherId for a substitute line). */
  lessonTeacherId: z.number().int(),
  studentName: z.string().nullable(),
  minutes: z.number().int(),
  ratePerHourCents: cents,
  payPercent: z.number().int(),
  amountCents: cents,
  reason: z.enum(lineReasons),
});
export type RunLine = z.infer<typeof runLine>;

export const runAdjustment = z.object({
  id: z.number().int(),
  teacherId: z.number().int(),
  teacherName: z.string(),
  amountCents: cents,
  reason: z.string(),
  createdAt: z.string(),
  createdBy: z.number().int().nullable(),
});
export type RunAdjustment = z.infer<typeof runAdjustment>;

export const teacherTotal = z.object({
  teacherId: z.number().int(),
  teacherName: z.string(),
  lessonCount: z.number().int(),
  linesCents: cents,
  adjustmentsCents: cents,
  totalCents: cents,
});
export type TeacherTotal = z.infer<typeof teacherTotal>;

export const runSummary = z.object({
  id: z.number().int(),
  from: z.string(),
  to: z.string(),
  status: z.enum(runStatuses),
  /** Of the lines and adjustments the caller sees (a teacher: their own). */
  totalCents: cents,
  lineCount: z.number().int(),
  createdAt: z.string(),
  calculatedAt: z.string(),
  approvedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  paidOn: z.string().nullable(),
  reference: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummary>;

export const runDetail = runSummary.extend({
  policy: z.unknown().describe('The payroll setting the lines were calculated with'),
  /** Lessons of the period still scheduled (no attendance recorded) at calculation: not paid. */
  unrecordedLessonIds: z.array(z.number().int()),
  teachers: z.array(teacherTotal),
  lines: z.array(runLine),
  adjustments: z.array(runAdjustment),
});
export type RunDetail = z.infer<typeof runDetail>;

export const runPage = z.object({ data: z.array(runSummary), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
