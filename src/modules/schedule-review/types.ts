/**
 * What a schedule review computes (figures.ts) and proposes (task.ts). Instants are ISO 8601 with
 * the school's offset; dates are school-local `YYYY-MM-DD`; durations are minutes.
 */
import { z } from 'zod';

/** A teacher's time in the range: available = weekly hours minus closures and time off; booked = lessons they teach inside it. */
export const teacherFigures = z.object({
  teacherId: z.number().int(),
  firstName: z.string(),
  /** The first name a provider may see; null when the teacher declined AI processing. */
  sharedName: z.string().nullable(),
  instruments: z.array(z.string()),
  availableMinutes: z.number().int(),
  bookedMinutes: z.number().int(),
  /** booked / available, whole percent (rounded); null with no available time. */
  utilisationPercent: z.number().int().nullable(),
  lessons: z.number().int(),
});

/** A free hole shorter than GAP_MINUTES between two lessons of one teacher on one day. */
export const gap = z.object({ teacherId: z.number().int(), date: z.string(), startsAt: z.string(), endsAt: z.string(), minutes: z.number().int() });

/** A day whose lessons spread over a long span with much idle time between them. */
export const spreadDay = z.object({
  teacherId: z.number().int(),
  date: z.string(),
  firstStartsAt: z.string(),
  lastEndsAt: z.string(),
  spanMinutes: z.number().int(),
  bookedMinutes: z.number().int(),
});

/** An upcoming scheduled lesson inside its teacher's time off (not covered by a substitute) or on a closure day. */
export const clash = z.object({
  lessonId: z.number().int(),
  teacherId: z.number().int(),
  studentFirstName: z.string(),
  sharedName: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  cause: z.enum(['time_off', 'closure']),
  closureName: z.string().nullable(),
  /** Free starts of the same teacher in the range for this lesson's length: the only times a move may go to. */
  moveTo: z.array(z.string()),
});

/** A waitlisted enrollment and free slots of teachers of its instrument who have room. */
export const waitlistFit = z.object({
  enrollmentId: z.number().int(),
  studentFirstName: z.string(),
  sharedName: z.string().nullable(),
  instrument: z.string(),
  durationMinutes: z.number().int(),
  preferredDay: z.string().nullable(),
  preferredTime: z.string().nullable(),
  slots: z.array(z.object({ teacherId: z.number().int(), startsAt: z.string() })),
});

export const scheduleFigures = z.object({
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  teachers: z.array(teacherFigures),
  gaps: z.array(gap),
  spreadDays: z.array(spreadDay),
  clashes: z.array(clash),
  waitlistFits: z.array(waitlistFit),
});
export type ScheduleFigures = z.infer<typeof scheduleFigures>;
export type TeacherFigures = z.infer<typeof teacherFigures>;
export type Clash = z.infer<typeof clash>;
export type WaitlistFit = z.infer<typeof waitlistFit>;

export const suggestionActions = ['move_lesson', 'offer_slot', 'contact_teacher'] as const;

/**
 * One concrete suggestion. Flat with nulls (OpenAI's strict structured output): `move_lesson` needs
 * lessonId + toStartsAt, `offer_slot` enrollmentId + teacherId + startsAt, `contact_teacher`
 * teacherId; `reason` says why, for the owner.
 */
export const suggestion = z.object({
  action: z.enum(suggestionActions),
  lessonId: z.number().int().nullable(),
  toStartsAt: z.string().nullable(),
  enrollmentId: z.number().int().nullable(),
  teacherId: z.number().int().nullable(),
  startsAt: z.string().nullable(),
  reason: z.string().trim().min(1).max(500),
});
export type Suggestion = z.infer<typeof suggestion>;

/** `proposed`: stored, not yet in the approvals inbox; then its approval's status. */
export const suggestionStatuses = ['proposed', 'pending', 'approved', 'rejected', 'expired'] as const;
export type SuggestionStatus = (typeof suggestionStatuses)[number];
