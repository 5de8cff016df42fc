/** The waitlist's contract (API.md second wave): GET /waitlist and POST /enrollments/{id}/promote. */
import { z } from 'zod';
import { pageQuery } from '../../http/pagination.js';
import { dayParts, lessonDays } from './schemas.js';

export const waitlistQuery = pageQuery.extend({
  instrument: z.string().trim().toLowerCase().min(1).max(50).optional().describe('Only the waitlist of this instrument'),
});
export type WaitlistQuery = z.infer<typeof waitlistQuery>;

/** Why an enrollment waits, as it stands now. */
export const waitlistReasonCodes = ['no_teacher_for_instrument', 'teachers_full', 'place_open'] as const;

export const waitlistItem = z.object({
  enrollmentId: z.number().int(),
  /** 1 = next in line for this instrument (first come, first served). */
  position: z.number().int(),
  instrument: z.string(),
  studentName: z.string(),
  studentDateOfBirth: z.string(),
  parentEmail: z.string(),
  /** What the family asked for. */
  lessonDuration: z.number().int(),
  preferredTeacherId: z.number().int().nullable(),
  preferredLessonDay: z.enum(lessonDays).nullable(),
  preferredLessonTime: z.enum(dayParts).nullable(),
  /** When the form was submitted (ISO instant). */
  waitingSince: z.string(),
  /** no_teacher_for_instrument: nobody teaches it; teachers_full: every teacher of it is full; place_open: a place is free now. */
  reason: z.object({ code: z.enum(waitlistReasonCodes), message: z.string() }),
  /** Set once a place was given (the run is on its way out of the waitlist): when and by whom ('admin:<id>' or 'waitlist'). */
  promotedAt: z.string().nullable(),
  promotedBy: z.string().nullable(),
  runId: z.string().nullable(),
  /** Its run waits for a place (promote works only then). */
  runWaiting: z.boolean(),
  statusUrl: z.string(),
});
export type WaitlistItem = z.infer<typeof waitlistItem>;

/** POST /enrollments/{id}/promote. */
export const promoteBody = z
  .object({
    teacherId: z
      .number({ error: 'must be a teacher id' })
      .int('must be a teacher id')
      .min(1, 'must be a teacher id')
      .max(2_147_483_647)
      .optional()
      .describe('The teacher to assign (must teach the instrument and have room); default: the best free one, as for a new enrollment'),
  })
  .default({});
export type PromoteBody = z.infer<typeof promoteBody>;

/** 202 of promote: the run goes on by itself; follow it at `statusUrl`. */
export const promoteAnswer = z.object({ enrollmentId: z.number().int(), runId: z.string(), statusUrl: z.string() });
