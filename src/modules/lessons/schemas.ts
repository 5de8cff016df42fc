import { z } from 'zod';
import { attendanceValues, lessonPaymentStatuses, lessonStatuses, lessonTypes } from '../../db/schema/lessons.js';
import { answerDate, boundedDate, boundedInstant } from '../../http/date-schemas.js';
import { pageQuery } from '../../http/pagination.js';
import { conflictKinds } from '../scheduling/conflicts.js';
import { recurrenceFrequencies } from '../scheduling/recurrence.js';

/** An instant: ISO 8601 with an offset (Z or ±HH:MM), 1970 to 2100; a date 'YYYY-MM-DD', 1900 to 2100 (request fields). */
export const instant = boundedInstant;
export const isoDate = boundedDate;
export const id = z.coerce.number().int().min(1).max(2_147_483_647);
export const idParams = z.object({ id });

export const lessonView = z.object({
  id: z.number().int(),
  studentId: z.number().int(),
  teacherId: z.number().int(),
  /** With the school's UTC offset. */
  scheduledAt: z.string(),
  endsAt: z.string(),
  durationMinutes: z.number().int(),
  lessonType: z.enum(lessonTypes),
  status: z.enum(lessonStatuses),
  paymentStatus: z.enum(lessonPaymentStatuses),
  seriesId: z.string().nullable(),
  rescheduledFromId: z.number().int().nullable(),
  cancelledAt: z.string().nullable(),
  cancellationReason: z.string().nullable(),
  attendance: z.enum(attendanceValues).nullable(),
  completedAt: z.string().nullable(),
  /** Shared with the family. */
  notes: z.string().nullable(),
  privateNotes: z.string().nullable().optional().describe("Teacher and admin only: never in a parent's answer"),
  /** The student's name, in lists, the calendar view and GET /lessons/{id}. */
  studentFirstName: z.string().optional(),
  studentLastName: z.string().optional(),
  /** The teacher covering the lesson while `teacherId` is away (time off), or null. */
  substituteTeacherId: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LessonView = z.infer<typeof lessonView>;

export const slot = z.object({ teacherId: z.number().int(), startsAt: z.string(), endsAt: z.string() });

const durationMinutes = z.number().int().min(15).max(120);
/** Lesson notes, shared with the family (`notes`) or for staff only (`privateNotes`); parents set neither. */
const notesText = z.string().max(2000);
const recurrence = z
  .object({
    frequency: z.enum(recurrenceFrequencies),
    until: isoDate.optional().describe('Last local date a lesson may fall on (inclusive)'),
    count: z.number().int().min(1).max(60).optional().describe("Number of lessons (dates skipped for closures or the teacher's time off do not count)"),
  })
  .refine((r) => (r.until === undefined) !== (r.count === undefined), { message: 'Give exactly one of until and count' });

export const createLessonBody = z.object({
  studentId: id,
  teacherId: id,
  scheduledAt: instant,
  durationMinutes: durationMinutes.default(30),
  lessonType: z.enum(lessonTypes).default('regular'),
  notes: notesText.optional().describe('Shared with the family (admins and teachers only)'),
  privateNotes: notesText.optional().describe('Teacher and admin only (admins and teachers only)'),
  recurrence: recurrence.optional(),
  makeupCreditId: id.optional().describe("A make-up lesson: the student's credit to use (default: the oldest open one)"),
});
export type CreateLessonBody = z.infer<typeof createLessonBody>;

/** A local date a series left out: a closure (`closure`, its name) or the teacher's time off (`timeOffId`, `timeOff`: its reason). */
export const skippedDate = z.object({
  date: z.string(),
  closure: z.string().optional(),
  timeOffId: z.number().int().optional(),
  timeOff: z.string().optional(),
});

export const seriesView = z.object({
  seriesId: z.string(),
  lessons: z.array(lessonView),
  skipped: z.array(skippedDate),
});

/** A booked lesson: for a make-up lesson, `makeupCreditId` is the credit it used. */
export const bookedLessonView = lessonView.extend({ makeupCreditId: z.number().int().nullable().optional() });
export type BookedLessonView = z.infer<typeof bookedLessonView>;

export const checkConflictsBody = z.object({
  teacherId: id,
  studentId: id.optional(),
  scheduledAt: instant,
  durationMinutes: durationMinutes.default(30),
  lessonId: id.optional().describe('A lesson being moved: it does not conflict with itself'),
});
export type CheckConflictsBody = z.infer<typeof checkConflictsBody>;

export const conflictView = z.object({ kind: z.enum(conflictKinds), reason: z.string(), lessonId: z.number().int().optional() });
export const checkConflictsResult = z.object({ ok: z.boolean(), conflicts: z.array(conflictView) });

/** `?from&to`: an instant, or a local date meaning that whole day in the school's zone. */
const instantOrDate = z.union([isoDate, instant]);
export const availabilityQuery = z.object({
  from: instantOrDate.optional(),
  to: instantOrDate.optional(),
  duration: z.coerce.number().int().min(15).max(120).default(30),
});
export const publicTimeslotsQuery = z.object({
  instrument: z.string().trim().min(1).max(50).optional(),
  teacherId: id.optional(),
  from: instantOrDate.optional(),
  to: instantOrDate.optional(),
  duration: z.coerce.number().int().min(15).max(120).optional().describe("One of the school's lesson durations (settings)"),
});
const range = { timezone: z.string(), durationMinutes: z.number().int(), from: z.string(), to: z.string() };
export const availabilityView = z.object({
  teacherId: z.number().int(),
  ...range,
  stepMinutes: z.number().int(),
  weeklyHours: z.array(z.object({ weekday: z.number().int(), startTime: z.string(), endTime: z.string() })),
  timeOff: z.array(z.object({ startsAt: z.string(), endsAt: z.string(), reason: z.string().nullable() })),
  slots: z.array(slot),
});
export const timeslotsView = z.object({ ...range, data: z.array(slot) });

export const lessonListQuery = pageQuery.extend({
  teacherId: id.optional().describe("The teacher's lessons, and those they cover as a substitute"),
  studentId: id.optional(),
  from: instant.optional().describe('Lessons starting at or after this instant'),
  to: instant.optional().describe('Lessons starting before this instant'),
  status: z.enum(lessonStatuses).optional(),
  type: z.enum(lessonTypes).optional(),
});
export type LessonListQuery = z.infer<typeof lessonListQuery>;

export const scheduleViewQuery = z.object({
  view: z.enum(['day', 'week', 'month']).default('week'),
  date: isoDate.optional().describe("A local date in the period (default: today in the school's zone)"),
  teacherId: id.optional(),
  studentId: id.optional(),
});
export type ScheduleViewQuery = z.infer<typeof scheduleViewQuery>;

export const scheduleView = z.object({
  view: z.enum(['day', 'week', 'month']),
  timezone: z.string(),
  from: answerDate,
  to: answerDate,
  days: z.array(z.object({ date: answerDate, lessons: z.array(lessonView) })),
});

export const patchLessonBody = z
  .object({ notes: notesText.nullable().optional(), privateNotes: notesText.nullable().optional(), paymentStatus: z.enum(lessonPaymentStatuses).optional() })
  .refine((b) => b.notes !== undefined || b.privateNotes !== undefined || b.paymentStatus !== undefined, { message: 'Nothing to change' });
export type PatchLessonBody = z.infer<typeof patchLessonBody>;

export const cancelBody = z.object({
  reason: z.string().trim().min(1).max(500).optional(),
  initiatedBy: z.enum(['school', 'family']).optional().describe('Admins and teachers: who asked for it (default school); parents are always the family'),
});
/** A notice of the change started for the family or the teacher (`runId`: its notification run; null when it failed to start). */
export const noticeView = z.object({
  recipient: z.enum(['parent', 'teacher']),
  runId: z.string().nullable(),
  status: z.enum(['started', 'failed']),
});
export const cancelResult = lessonView.extend({ makeupCreditId: z.number().int().nullable(), notices: z.array(noticeView) });

export const rescheduleBody = z.object({ scheduledAt: instant });
export const rescheduleResult = z.object({ lesson: lessonView, previous: lessonView, notices: z.array(noticeView) });

export const completeBody = z.object({ attendance: z.enum(attendanceValues), notes: notesText.optional(), privateNotes: notesText.optional() });
