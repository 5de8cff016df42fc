import { z } from 'zod';
import { boundedDate } from '../../http/date-schemas.js';
import { pageQuery } from '../../http/pagination.js';
import { assessmentResults, examBodies, goalStatuses, pieceStatuses } from './schemas.js';

// The answer of GET /students/{id}/progress: a timeline of dated entries and a summary.

/** Longest range one timeline request covers, in days. */
export const MAX_TIMELINE_DAYS = 731;
/** Days before `to` that `from` defaults to. */
export const DEFAULT_TIMELINE_DAYS = 90;

export const timelineQuery = pageQuery.extend({
  from: boundedDate.optional().describe(`First local day (school's zone); default ${DEFAULT_TIMELINE_DAYS} days before \`to\``),
  to: boundedDate.optional().describe(`Last local day, included; default today; at most ${MAX_TIMELINE_DAYS} days after \`from\``),
});
export type TimelineQuery = z.infer<typeof timelineQuery>;

const at = z.string().describe('Instant with the school’s UTC offset; a dated record sits at the start of its local day');
const date = z.string().describe('The record’s local date');

const lessonEntry = z.object({
  at,
  kind: z.literal('lesson'),
  lessonId: z.number().int(),
  teacherId: z.number().int(),
  substituteTeacherId: z.number().int().nullable(),
  status: z.string(),
  attendance: z.string().nullable(),
  lessonType: z.string(),
  durationMinutes: z.number().int(),
  /** Shared with the family. */
  notes: z.string().nullable(),
  /** Admins and teachers only; absent from a parent's answer. */
  privateNotes: z.string().nullable().optional(),
});

const goalEntry = z.object({
  at,
  date,
  kind: z.enum(['goal_set', 'goal_achieved']),
  goalId: z.number().int(),
  title: z.string(),
  targetDate: z.string().nullable(),
  status: z.enum(goalStatuses),
});

const pieceEntry = z.object({
  at,
  date,
  kind: z.enum(['piece_started', 'piece_performed']),
  pieceId: z.number().int(),
  title: z.string(),
  composer: z.string().nullable(),
  status: z.enum(pieceStatuses),
  performedWhere: z.string().nullable(),
});

const assessmentEntry = z.object({
  at,
  date,
  kind: z.literal('assessment'),
  assessmentId: z.number().int(),
  examBody: z.enum(examBodies),
  level: z.string(),
  result: z.enum(assessmentResults),
  mark: z.number().int().nullable(),
});

export const timelineEntry = z.union([lessonEntry, goalEntry, pieceEntry, assessmentEntry]);
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const progressSummary = z.object({
  /** Lessons in the period by status (moved-away rows of a reschedule not counted). */
  lessons: z.object({ scheduled: z.number().int(), completed: z.number().int(), cancelled: z.number().int() }),
  /** Completed lessons of the period by recorded attendance. */
  attendance: z.object({ present: z.number().int(), late: z.number().int(), absent: z.number().int(), excused: z.number().int() }),
  /** (present + late) / (present + late + absent), 0–1 rounded to 3 places; excused lessons do not count; null without any. */
  attendanceRate: z.number().nullable(),
  /** Goals active now (whatever the period). */
  activeGoals: z.number().int(),
  /** Goals achieved within the period. */
  goalsAchieved: z.number().int(),
  /** The repertoire now, by status. */
  piecesByStatus: z.object({ learning: z.number().int(), polishing: z.number().int(), performed: z.number().int() }),
  /** The latest assessment on or before the period's last day. */
  latestAssessment: z
    .object({ id: z.number().int(), examBody: z.enum(examBodies), level: z.string(), assessedOn: z.string(), result: z.enum(assessmentResults), mark: z.number().int().nullable() })
    .nullable(),
});
export type ProgressSummary = z.infer<typeof progressSummary>;

export const progressAnswer = z.object({
  studentId: z.number().int(),
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  summary: progressSummary,
  data: z.array(timelineEntry),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});
export type ProgressAnswer = z.infer<typeof progressAnswer>;
