import { z } from 'zod';
import { closure } from '../academics/schemas.js';
import { timeOff, timeOffBody } from '../teachers/schemas.js';

/** What a closure or time off did to one lesson it hits. */
export const lessonOutcomes = ['unchanged', 'cancelled', 'substituted', 'not_scheduled'] as const;
export type LessonOutcome = (typeof lessonOutcomes)[number];

/** A scheduled lesson hit by a closure or time off, and what was done to it. */
export const affectedLesson = z.object({
  id: z.number().int(),
  studentId: z.number().int(),
  studentName: z.string(),
  teacherId: z.number().int(),
  teacherName: z.string(),
  /** With the school's UTC offset. */
  scheduledAt: z.string(),
  endsAt: z.string(),
  durationMinutes: z.number().int(),
  /**
   * unchanged: nothing asked; cancelled: cancelled by the school (make-up credit, notices);
   * substituted: taught by `substituteTeacherId`; not_scheduled: someone cancelled or moved it
   * between the listing and the action, so it was left alone.
   */
  outcome: z.enum(lessonOutcomes),
  makeupCreditId: z.number().int().nullable(),
  substituteTeacherId: z.number().int().nullable(),
});
export type AffectedLessonView = z.infer<typeof affectedLesson>;

export const closureActionQuery = z.object({
  cancelLessons: z
    .enum(['true', 'false'])
    .default('false')
    .describe('true: cancel the scheduled lessons the closure hits, each with a make-up credit and the cancellation notices'),
});

export const createdClosure = z.object({ closure, affectedLessons: z.array(affectedLesson) });

/**
 * POST /teachers/{id}/time-off: the range and at most one action on the scheduled lessons inside
 * it. Without one the lessons are only listed.
 */
export const timeOffActionBody = timeOffBody.extend({
  cancelLessons: z.boolean().optional().describe('Cancel the lessons (school-initiated: make-up credit, cancellation notices)'),
  substituteTeacherId: z.coerce
    .number()
    .int()
    .min(1)
    .max(2_147_483_647)
    .optional()
    .describe('Hand the lessons to this teacher, who must teach the instrument and be free at those times (409 naming the clashing lessons otherwise)'),
  offerReschedule: z
    .boolean()
    .optional()
    .describe('Cancel the lessons with a make-up credit and a notice inviting the family to book the make-up lesson at a time that suits them'),
});
export type TimeOffActionBody = z.infer<typeof timeOffActionBody>;

export const createdTimeOff = z.object({ timeOff, affectedLessons: z.array(affectedLesson) });
