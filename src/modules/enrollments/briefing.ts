/**
 * The teacher's briefing on a new student (issue 17, workflow 4): a few sentences drafted from the
 * family's own words in the enrollment form (`goals`), added to the teacher_new_student e-mail. It
 * goes to staff, so no approval is needed. A provider sees the student's and parent's first names,
 * the instrument, an age band and the family's words (scrubbed of contact details); the rules
 * drafter writes it when no provider is configured or the family declined AI processing.
 */
import { z } from 'zod';
import { defineAiTask } from '../../ai/index.js';

/** Age bands shared instead of a date of birth. */
export const ageBands = ['5–8', '9–12', '13–17', 'adult'] as const;

/** The band of someone born on `dateOfBirth` (YYYY-MM-DD) on the local date `today`. */
export function ageBandOf(dateOfBirth: string, today: string): (typeof ageBands)[number] {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const age = ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
  if (age >= 18) return 'adult';
  if (age >= 13) return '13–17';
  if (age >= 9) return '9–12';
  return '5–8';
}

export const briefingInput = z.object({
  /** The family's parent account (their AI choice decides); null when there is none yet. */
  parentId: z.number().int().nullable(),
  parentFirstName: z.string(),
  studentFirstName: z.string(),
  instrument: z.string(),
  ageBand: z.enum(ageBands),
  lessonDuration: z.number().int(),
  /** The family's own words from the form, or null. */
  goals: z.string().nullable(),
});
export type BriefingInput = z.infer<typeof briefingInput>;

export const briefingOutput = z.object({ briefing: z.string().trim().min(1).max(1500) });
export type BriefingOutput = z.infer<typeof briefingOutput>;

const quoteOf = (goals: string): string => (goals.length > 600 ? `${goals.slice(0, 597)}…` : goals);

export const enrollmentBriefingTask = defineAiTask<BriefingInput, BriefingOutput>({
  name: 'enrollment.teacher_briefing',
  description: 'A short briefing for the teacher of a new student, from the family’s own words in the enrollment form',
  input: briefingInput,
  share: (i) => ({
    studentFirstName: i.studentFirstName,
    parentFirstName: i.parentFirstName,
    instrument: i.instrument,
    ageBand: i.ageBand,
    lessonMinutes: i.lessonDuration,
    familyWords: i.goals,
  }),
  subjects: (i) => (i.parentId === null ? [] : [i.parentId]),
  instructions:
    'Write a short briefing (at most 5 sentences) for the music teacher of a new student: who the student is (first name, age band, instrument, lesson length), ' +
    'what the family hopes for, and one or two practical ideas for the first lessons. Use only the data; if the family wrote nothing, say so briefly.',
  output: briefingOutput,
  maxOutputTokens: 600,
  draft: (i) => ({
    briefing: [
      `${i.studentFirstName} (${i.ageBand === 'adult' ? 'an adult' : `age ${i.ageBand}`}) starts ${i.instrument} with ${i.lessonDuration}-minute lessons.`,
      i.goals ? `In the family’s words: “${quoteOf(i.goals)}”` : 'The family wrote no goals in the enrollment form.',
    ].join(' '),
  }),
});
