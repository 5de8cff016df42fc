/**
 * The approval kind `schedule-suggestion`: each concrete suggestion of a schedule review waits in
 * the approvals inbox with the figures it rests on. Approving applies it in the approve request,
 * through applyScheduleSuggestion (the scheduling rules, as the approver); when the schedule no
 * longer allows it (a conflict, a lesson no longer scheduled, an enrollment no longer waiting) the
 * request answers 409 with the reason and the approval stays pending (reject it, or let it expire).
 */
import { z } from 'zod';
import { conflict } from '../../http/errors.js';
import { defineApprovalKind } from '../approvals/kinds.js';
import { applyScheduleSuggestion } from './apply.js';
import { clash, gap, spreadDay, teacherFigures, waitlistFit, suggestion, type ScheduleFigures, type Suggestion } from './types.js';

/** How long a suggestion waits for a decision (ms): a week, when the next weekly review comes. */
export const SUGGESTION_TIMEOUT_MS = 7 * 86_400_000;

/** What a suggestion rests on: the clash it solves, the waitlist fit it fills, or the teacher's week. */
export const suggestionBasis = z.object({
  clash: clash.nullable(),
  waitlistFit: waitlistFit.nullable(),
  teacher: teacherFigures.nullable(),
  gaps: z.array(gap),
  spreadDays: z.array(spreadDay),
});

export const suggestionDraft = suggestion.extend({
  reviewId: z.number().int(),
  /** Position in the review's suggestions. */
  index: z.number().int().min(0),
  basis: suggestionBasis,
});
export type SuggestionDraft = z.infer<typeof suggestionDraft>;

export const scheduleSuggestion = defineApprovalKind<SuggestionDraft>({
  kind: 'schedule-suggestion',
  description: 'A schedule review’s suggestion (move a lesson, offer a slot to a waitlisted family, write to a teacher): approving applies it through the scheduling rules',
  schema: suggestionDraft,
  timeoutMs: SUGGESTION_TIMEOUT_MS,
  apply: async (services, draft, { actor, approvalId }) => {
    const result = await applyScheduleSuggestion(services, draft, actor, `approval:${approvalId}`);
    if (result.status === 'failed') throw conflict(`This suggestion can no longer be applied: ${result.outcome}`, { reason: result.outcome });
    return result.outcome;
  },
});

/** The draft of suggestion `index` of review `reviewId`, with the figures it rests on. */
export function suggestionDraftOf(figures: ScheduleFigures, reviewId: number, index: number, s: Suggestion): SuggestionDraft {
  const teacherId = s.action === 'contact_teacher' ? s.teacherId : null;
  return {
    ...s,
    reviewId,
    index,
    basis: {
      clash: s.action === 'move_lesson' ? (figures.clashes.find((c) => c.lessonId === s.lessonId) ?? null) : null,
      waitlistFit: s.action === 'offer_slot' ? (figures.waitlistFits.find((w) => w.enrollmentId === s.enrollmentId) ?? null) : null,
      teacher: figures.teachers.find((t) => t.teacherId === (teacherId ?? s.teacherId)) ?? null,
      gaps: teacherId === null ? [] : figures.gaps.filter((g) => g.teacherId === teacherId),
      spreadDays: teacherId === null ? [] : figures.spreadDays.filter((d) => d.teacherId === teacherId),
    },
  };
}

/** One line for the inbox ("Move Leo’s lesson 12 to 2030-03-08T10:00-04:00"). */
export function suggestionTitle(figures: ScheduleFigures, s: Suggestion): string {
  const teacher = figures.teachers.find((t) => t.teacherId === s.teacherId)?.firstName ?? `teacher ${s.teacherId}`;
  if (s.action === 'move_lesson') {
    const student = figures.clashes.find((c) => c.lessonId === s.lessonId)?.studentFirstName;
    return `Move ${student ? `${student}’s ` : ''}lesson ${s.lessonId} to ${s.toStartsAt}`;
  }
  if (s.action === 'offer_slot') {
    const student = figures.waitlistFits.find((w) => w.enrollmentId === s.enrollmentId)?.studentFirstName ?? `enrollment ${s.enrollmentId}`;
    return `Offer ${teacher}’s ${s.startsAt ?? 'slot'} to ${student} (waitlist)`;
  }
  return `Write to ${teacher} about the timetable`;
}
