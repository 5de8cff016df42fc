/**
 * The AI task of a schedule review: from the figures, an owner-facing summary and concrete
 * suggestions picked from the closed list the figures hold (a clashing lesson's free times, a
 * waitlisted student's slots, the school's teachers). A provider sees ids, first names (not of
 * people who declined AI processing), instruments, counts, hours and local times; never contact
 * details. A suggestion outside the list fails the output schema, so the runner repairs, tries the
 * next provider, then the rules drafter below writes the review.
 */
import { z } from 'zod';
import { defineAiTask, type AiTask } from '../../ai/index.js';
import { scheduleFigures, suggestion, type ScheduleFigures, type Suggestion } from './types.js';

/** At most this many suggestions per review. */
export const MAX_SUGGESTIONS = 10;
/** Below this utilisation (percent) the rules drafter suggests contacting the teacher. */
const LOW_UTILISATION_PERCENT = 25;

const hours = (minutes: number): string => `${Math.round((minutes / 60) * 10) / 10} h`;
const localTime = (iso: string): string => iso.slice(11, 16);
const sameInstant = (a: string | null, b: string): boolean => a !== null && Date.parse(a) === Date.parse(b);

/**
 * The suggestion checked against the closed list, in its canonical form (fields of other actions
 * null, times as listed), or the reason it is not allowed.
 */
export function checkSuggestion(figures: ScheduleFigures, s: Suggestion): { ok: true; suggestion: Suggestion } | { ok: false; reason: string } {
  const none = { lessonId: null, toStartsAt: null, enrollmentId: null, teacherId: null, startsAt: null };
  if (s.action === 'move_lesson') {
    const clash = figures.clashes.find((c) => c.lessonId === s.lessonId);
    if (!clash) return { ok: false, reason: `lesson ${s.lessonId} is not among the clashing lessons` };
    const to = clash.moveTo.find((t) => sameInstant(s.toStartsAt, t));
    if (!to) return { ok: false, reason: `${s.toStartsAt} is not a free time computed for lesson ${s.lessonId}` };
    return { ok: true, suggestion: { ...none, action: s.action, lessonId: clash.lessonId, toStartsAt: to, teacherId: clash.teacherId, reason: s.reason } };
  }
  if (s.action === 'offer_slot') {
    const fit = figures.waitlistFits.find((f) => f.enrollmentId === s.enrollmentId);
    if (!fit) return { ok: false, reason: `enrollment ${s.enrollmentId} is not among the waitlisted students who fit` };
    const slot = fit.slots.find((f) => f.teacherId === s.teacherId && sameInstant(s.startsAt, f.startsAt));
    if (!slot) return { ok: false, reason: `teacher ${s.teacherId} at ${s.startsAt} is not a slot computed for enrollment ${s.enrollmentId}` };
    return { ok: true, suggestion: { ...none, action: s.action, enrollmentId: fit.enrollmentId, teacherId: slot.teacherId, startsAt: slot.startsAt, reason: s.reason } };
  }
  if (!figures.teachers.some((t) => t.teacherId === s.teacherId)) return { ok: false, reason: `teacher ${s.teacherId} is not in the review` };
  return { ok: true, suggestion: { ...none, action: s.action, teacherId: s.teacherId, reason: s.reason } };
}

/** The output schema for these figures: suggestions only from their closed list. */
export function reviewOutput(figures: ScheduleFigures) {
  return z.object({ summary: z.string().trim().min(1).max(4000), suggestions: z.array(suggestion).max(MAX_SUGGESTIONS) }).superRefine((value, ctx) => {
    value.suggestions.forEach((s, index) => {
      const checked = checkSuggestion(figures, s);
      if (!checked.ok) ctx.addIssue({ code: 'custom', path: ['suggestions', index], message: checked.reason });
    });
  });
}
export type ReviewDraft = { summary: string; suggestions: Suggestion[] };

/** What leaves the machine: ids, first names of those who did not decline, instruments, counts, hours, local times. */
export function shareOf(f: ScheduleFigures) {
  const name = (shared: string | null) => shared ?? '(name withheld)';
  return {
    from: f.from,
    to: f.to,
    teachers: f.teachers.map((t) => ({
      teacherId: t.teacherId,
      firstName: name(t.sharedName),
      instruments: t.instruments,
      availableHours: Math.round(t.availableMinutes / 6) / 10,
      bookedHours: Math.round(t.bookedMinutes / 6) / 10,
      utilisationPercent: t.utilisationPercent,
      lessons: t.lessons,
    })),
    shortGaps: f.gaps.map((g) => ({ teacherId: g.teacherId, date: g.date, from: localTime(g.startsAt), to: localTime(g.endsAt), minutes: g.minutes })),
    spreadDays: f.spreadDays.map((d) => ({ teacherId: d.teacherId, date: d.date, from: localTime(d.firstStartsAt), to: localTime(d.lastEndsAt), bookedMinutes: d.bookedMinutes })),
    clashingLessons: f.clashes.map((c) => ({
      lessonId: c.lessonId,
      teacherId: c.teacherId,
      studentFirstName: name(c.sharedName),
      startsAt: c.startsAt,
      cause: c.cause,
      allowedMoveTimes: c.moveTo,
    })),
    waitlistedStudents: f.waitlistFits.map((w) => ({
      enrollmentId: w.enrollmentId,
      studentFirstName: name(w.sharedName),
      instrument: w.instrument,
      durationMinutes: w.durationMinutes,
      preferredDay: w.preferredDay,
      preferredTime: w.preferredTime,
      allowedSlots: w.slots,
    })),
  };
}

/** The rules drafter: the figures in plain sentences; a move for each clash, an offer for each fit, a call to teachers with holes, spread days or little work. */
export function draftReview(f: ScheduleFigures): ReviewDraft {
  const nameOf = (teacherId: number) => f.teachers.find((t) => t.teacherId === teacherId)?.firstName ?? `teacher ${teacherId}`;
  const list = <T>(items: readonly T[], say: (item: T) => string) => (items.length === 0 ? 'none' : `${items.length} (${items.map(say).join('; ')})`);
  const summary = [
    `Schedule review ${f.from} to ${f.to} (${f.timezone}).`,
    `Utilisation: ${list(f.teachers, (t) => `${t.firstName} ${t.utilisationPercent === null ? 'no hours' : `${t.utilisationPercent} %`}, ${hours(t.bookedMinutes)} booked of ${hours(t.availableMinutes)}`)}.`,
    `Short gaps between lessons: ${list(f.gaps, (g) => `${nameOf(g.teacherId)} on ${g.date}, ${g.minutes} min at ${localTime(g.startsAt)}`)}.`,
    `Spread-out days: ${list(f.spreadDays, (d) => `${nameOf(d.teacherId)} on ${d.date}, ${localTime(d.firstStartsAt)}–${localTime(d.lastEndsAt)} with ${hours(d.bookedMinutes)} of lessons`)}.`,
    `Lessons during time off or closures: ${list(f.clashes, (c) => `${c.studentFirstName} with ${nameOf(c.teacherId)} on ${c.startsAt.slice(0, 10)} at ${localTime(c.startsAt)} (${c.cause === 'closure' ? `closure${c.closureName ? ` ${c.closureName}` : ''}` : 'time off'})`)}.`,
    `Waitlisted students who fit a free slot: ${list(f.waitlistFits, (w) => `${w.studentFirstName} (${w.instrument})`)}.`,
  ].join('\n');
  const none = { lessonId: null, toStartsAt: null, enrollmentId: null, teacherId: null, startsAt: null };
  const suggestions: Suggestion[] = [];
  for (const c of f.clashes) {
    const to = c.moveTo[0];
    if (to)
      suggestions.push({
        ...none,
        action: 'move_lesson',
        lessonId: c.lessonId,
        teacherId: c.teacherId,
        toStartsAt: to,
        reason: `The lesson falls in ${c.cause === 'closure' ? 'a closure' : 'the teacher’s time off'}; ${to} is the first free time of the same teacher.`,
      });
  }
  for (const w of f.waitlistFits) {
    const slot = w.slots[0]!;
    suggestions.push({
      ...none,
      action: 'offer_slot',
      enrollmentId: w.enrollmentId,
      teacherId: slot.teacherId,
      startsAt: slot.startsAt,
      reason: `${w.studentFirstName} waits for ${w.instrument}; ${nameOf(slot.teacherId)} is free at ${slot.startsAt}.`,
    });
  }
  for (const t of f.teachers) {
    const holes = f.gaps.filter((g) => g.teacherId === t.teacherId).length;
    const spread = f.spreadDays.filter((d) => d.teacherId === t.teacherId).length;
    const low = t.utilisationPercent !== null && t.utilisationPercent < LOW_UTILISATION_PERCENT;
    if (holes === 0 && spread === 0 && !low) continue;
    const why = [
      holes > 0 ? `${holes} short gap(s) between lessons` : '',
      spread > 0 ? `${spread} spread-out day(s)` : '',
      low ? `only ${t.utilisationPercent} % of the hours booked` : '',
    ]
      .filter(Boolean)
      .join(', ');
    suggestions.push({ ...none, action: 'contact_teacher', teacherId: t.teacherId, reason: `Talk with ${t.firstName} about the timetable: ${why}.` });
  }
  return { summary, suggestions: suggestions.slice(0, MAX_SUGGESTIONS) };
}

/** The review task for these figures (its output schema holds their closed list). */
export function scheduleReviewTask(figures: ScheduleFigures): AiTask<ScheduleFigures, ReviewDraft> {
  return defineAiTask<ScheduleFigures, ReviewDraft>({
    name: 'schedule_review.summary',
    description: 'Summarises a range of the school’s schedule for the owner and picks suggestions from a closed list',
    input: scheduleFigures,
    share: shareOf,
    subjects: () => [],
    instructions:
      'You review a music school’s timetable for its owner. Write a short, plain summary (utilisation per teacher, gaps, lessons clashing with time off or closures, waitlisted students who fit). ' +
      'Then propose at most 10 suggestions, each from the data only: move_lesson (lessonId of a clashing lesson and toStartsAt exactly one of its allowedMoveTimes), ' +
      'offer_slot (enrollmentId, teacherId and startsAt exactly one of its allowedSlots), or contact_teacher (teacherId, reason). Fields an action does not use are null. Give each a one-sentence reason.',
    output: reviewOutput(figures) as unknown as z.ZodType<ReviewDraft>,
    maxOutputTokens: 2048,
    draft: draftReview,
  });
}
