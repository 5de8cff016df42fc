import { isRecord } from '../types';

/** The draft of kind `progress-report`: the e-mail to the parent (the server's schema is the authority). */
export interface ProgressReportDraft {
  subject: string;
  message: string;
}

export const progressReportKind = 'progress-report';

/** The draft as a progress-report draft, or null when it does not have that shape (then it is shown as JSON). */
export function asProgressReportDraft(draft: unknown): ProgressReportDraft | null {
  if (!isRecord(draft) || typeof draft.subject !== 'string' || typeof draft.message !== 'string') return null;
  return { subject: draft.subject, message: draft.message };
}

/** A named count of the figures a report rests on (lessons completed, lessons absent …). */
export interface Figure {
  label: string;
  value: string;
}

/**
 * The figures the drafter was given (`shared` of the approval: lessons and attendance counts, the
 * attendance rate, goals), in words; anything missing or of another shape is left out.
 */
export function sharedFigures(shared: unknown): Figure[] {
  if (!isRecord(shared)) return [];
  const figures: Figure[] = [];
  for (const group of ['lessons', 'attendance'] as const) {
    const counts = shared[group];
    if (!isRecord(counts)) continue;
    for (const [name, count] of Object.entries(counts))
      if (typeof count === 'number') figures.push({ label: `${group === 'lessons' ? 'Lessons' : 'Attendance'} ${name}`, value: String(count) });
  }
  const rate = shared.attendanceRate;
  if (typeof rate === 'number') figures.push({ label: 'Attendance rate', value: `${Math.round(rate * 100)} %` });
  for (const [field, label] of [
    ['goalsAchieved', 'Goals reached'],
    ['goalsActive', 'Goals worked on'],
  ] as const) {
    const goals = shared[field];
    if (Array.isArray(goals) && goals.length > 0) figures.push({ label, value: goals.filter((g) => typeof g === 'string').join('; ') });
  }
  return figures;
}
