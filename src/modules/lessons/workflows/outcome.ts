/**
 * What a `lesson_schedule` run means for HTTP: the booked lesson(s), a refusal (the same error
 * bodies as POST /lessons: 400 naming the field, 403, 404, 409 with `alternatives`), or "still
 * running" (202). Used by POST /lessons/schedule and by its poll route.
 */
import { z, type ZodType } from 'zod';
import type { Caller } from '../../auth/scoped.js';
import { finalStatuses, runStatuses, type RunView } from '../../../engine/index.js';
import { AppError, conflict } from '../../../http/errors.js';
import { conflictView, lessonView, seriesView } from '../schemas.js';
import { availabilityOutput, bookOutput, confirmOutput, fromRefusal, NODE, suggestOutput, type Refusal } from './contracts.js';

const confirmation = z.object({
  status: z.enum(['sent', 'pending', 'failed']).describe('sent: the parent and teacher notifications are started'),
  message: z.string().nullable(),
});
const workflowFields = { runId: z.string(), confirmation };
/** 201 (POST) / 200 (poll): POST /lessons' lesson or series, plus the run id and the confirmation. */
export const bookedBody = z.union([lessonView.extend(workflowFields), seriesView.extend(workflowFields)]);
export type BookedBody = z.infer<typeof bookedBody>;

/** 202: the run has not decided yet; poll `statusUrl` (admins may also read `runUrl`). */
export const pendingBody = z.object({
  runId: z.string(),
  status: z.enum(runStatuses),
  statusUrl: z.string(),
  runUrl: z.string().optional(),
});
export type PendingBody = z.infer<typeof pendingBody>;

export type ScheduleAnswer = { kind: 'booked'; body: BookedBody; location?: string } | { kind: 'pending'; body: PendingBody };

/** Where a parent (or an admin) polls a run of the workflow. */
export const pollUrl = (runId: string): string => `/api/v1/lessons/schedule/runs/${runId}`;

/** A finished node's output, parsed with its schema (undefined when the node has not succeeded). */
function outputOf<T>(view: RunView, nodeId: string, schema: ZodType<T>): T | undefined {
  const node = view.nodes.find((n) => n.nodeId === nodeId && n.status === 'succeeded');
  return node ? schema.parse(node.output) : undefined;
}

const occurrenceConflicts = z.object({ occurrence: z.string(), reasons: z.array(conflictView) });
const refusalDetails = z.looseObject({ conflicts: z.array(z.union([conflictView, occurrenceConflicts])) });
type ConflictView = z.infer<typeof conflictView>;

/**
 * The refusal as an AppError for `caller`, with the run id in object details. Only admins see the
 * ids of lessons in the way; others see those of their own student only (student_overlap).
 */
function refusedFor(refusal: Refusal, caller: Caller, runId: string): AppError {
  const parsed = refusalDetails.safeParse(refusal.details);
  if (!parsed.success) return fromRefusal(refusal);
  const hide = (c: ConflictView): ConflictView => (caller.role === 'admin' || c.kind === 'student_overlap' || c.lessonId === undefined ? c : { kind: c.kind, reason: c.reason });
  const conflicts = parsed.data.conflicts.map((c) => ('kind' in c ? hide(c) : { ...c, reasons: c.reasons.map(hide) }));
  return fromRefusal({ ...refusal, details: { ...parsed.data, conflicts, runId } });
}

/** The HTTP answer for a run as it stands; throws the refusal (AppError) when the run refused. */
export function answerOf(view: RunView, caller: Caller): ScheduleAnswer {
  const check = outputOf(view, NODE.check, availabilityOutput);
  if (check?.status === 'refused') throw refusedFor(check.error, caller, view.id);
  const book = outputOf(view, NODE.book, bookOutput);
  if (book?.status === 'refused') throw refusedFor(book.error, caller, view.id);
  const suggest = outputOf(view, NODE.suggest, suggestOutput);
  if (suggest) throw refusedFor(suggest.error, caller, view.id);
  const final = finalStatuses.has(view.status);

  if (book?.status === 'booked') {
    const confirm = outputOf(view, NODE.confirm, confirmOutput);
    const status = confirm ? 'sent' : final ? 'failed' : 'pending';
    const extra = { runId: view.id, confirmation: { status, message: confirm?.message ?? null } } as const;
    const result = book.result;
    if (result.kind === 'lesson') return { kind: 'booked', body: { ...result.lesson, ...extra }, location: `/api/v1/lessons/${result.lesson.id}` };
    return { kind: 'booked', body: { seriesId: result.seriesId, lessons: result.lessons, skipped: result.skipped, ...extra } };
  }
  if (view.status === 'cancelled') throw conflict(`The scheduling run ${view.id} was cancelled; nothing was booked`, { runId: view.id });
  if (final) {
    // A node failed for good (database unreachable through every retry …): nothing was booked.
    throw new AppError('internal', `The scheduling run ${view.id} failed before booking; nothing was booked. An admin can inspect and retry it.`, { runId: view.id });
  }
  const runUrl = caller.role === 'admin' ? { runUrl: `/api/v1/workflows/runs/${view.id}` } : {};
  return { kind: 'pending', body: { runId: view.id, status: view.status, statusUrl: pollUrl(view.id), ...runUrl } };
}
