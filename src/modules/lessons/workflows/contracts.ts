/**
 * The `lesson_schedule` workflow's event and node outputs (Zod: outputs are validated when a node
 * finishes and parsed again when the route reads a run, so nothing is cast).
 */
import { z } from 'zod';
import { roles } from '../../auth/access.js';
import { AppError, errorCodes } from '../../../http/errors.js';
import { bookedLessonView, conflictView, createLessonBody, lessonView, skippedDate, slot } from '../schemas.js';

/** Name of the workflow in the registry. */
export const LESSON_SCHEDULE_WORKFLOW = 'lesson_schedule';

/** Node ids, in the order they can run. */
export const NODE = {
  check: 'check_availability',
  detect: 'detect_conflicts',
  router: 'router',
  book: 'book',
  suggest: 'suggest_alternatives',
  confirm: 'confirm',
} as const;

/**
 * What starts a run: the signed-in caller the lessons are booked for (row-level security and the
 * lessons module's rules apply to them), the request id for tracing, and the POST /lessons body.
 */
export const scheduleEvent = z.object({
  caller: z.object({ userId: z.number().int().min(1), role: z.enum(roles) }),
  requestId: z.string().max(128).optional(),
  lesson: createLessonBody,
});
export type ScheduleEvent = z.infer<typeof scheduleEvent>;

/** An error meant for the caller (an AppError), kept as JSON in a node's output. */
export const refusal = z.object({ code: z.enum(errorCodes), message: z.string(), details: z.unknown().optional() });
export type Refusal = z.infer<typeof refusal>;

export const toRefusal = (error: AppError): Refusal => ({
  code: error.code,
  message: error.message,
  ...(error.details === undefined ? {} : { details: error.details }),
});
export const fromRefusal = (r: Refusal): AppError => new AppError(r.code, r.message, r.details);

/**
 * Runs `work`; an AppError (the lessons module refusing: 400 naming a field, 403, 404, 409)
 * becomes a refusal instead of failing the node, because retrying would refuse again. Anything
 * else (database down …) is thrown, so the node's retry policy applies.
 */
export async function refusalOr<T>(work: () => Promise<T>): Promise<{ value: T } | { refused: Refusal }> {
  try {
    return { value: await work() };
  } catch (error) {
    if (error instanceof AppError) return { refused: toRefusal(error) };
    throw error;
  }
}

const skipped = z.array(skippedDate);

/** check_availability: the caller's scheduling rules and the lesson starts (epoch ms), or why not. */
export const availabilityOutput = z.discriminatedUnion('status', [
  z.object({ status: z.literal('refused'), error: refusal }),
  z.object({
    status: z.literal('open'),
    rules: z.object({ zone: z.string(), bufferMinutes: z.number(), minimumNoticeHours: z.number(), now: z.number() }),
    occurrences: z.array(z.number()).min(1),
    skipped,
  }),
]);
export type AvailabilityOutput = z.infer<typeof availabilityOutput>;

/** detect_conflicts: the occurrences that break a rule, each with its reasons (empty: all free). */
export const conflictsOutput = z.object({
  checked: z.number().int(),
  conflicts: z.array(z.object({ occurrence: z.string(), reasons: z.array(conflictView) })),
});
export type ConflictsOutput = z.infer<typeof conflictsOutput>;

/** What bookLessons booked (CreateResult as JSON). */
export const bookedResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lesson'), lesson: bookedLessonView }),
  z.object({ kind: z.literal('series'), seriesId: z.string(), lessons: z.array(lessonView), skipped }),
]);
export type BookedResult = z.infer<typeof bookedResult>;

/**
 * book: the lessons, or the refusal of bookLessons (booked over by a concurrent request …). Outputs
 * recorded by earlier versions also carry `resumed` (a boolean), which parsing drops.
 */
export const bookOutput = z.discriminatedUnion('status', [
  z.object({ status: z.literal('booked'), result: bookedResult }),
  z.object({ status: z.literal('refused'), error: refusal }),
]);
export type BookOutput = z.infer<typeof bookOutput>;

/** suggest_alternatives: the 409 to answer, whose details carry `alternatives`. */
export const suggestOutput = z.object({ alternatives: z.array(slot), error: refusal });
export type SuggestOutput = z.infer<typeof suggestOutput>;

/** confirm: the message shown to the requester and the notification runs started. */
export const confirmOutput = z.object({
  message: z.string(),
  notifications: z.array(z.object({ recipient: z.enum(['parent', 'teacher']), userId: z.number().int(), runId: z.string(), created: z.boolean() })),
});
export type ConfirmOutput = z.infer<typeof confirmOutput>;
