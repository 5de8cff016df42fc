/**
 * The AI task of a student progress report: from what the school compiled for one student and
 * period (compile.ts) it drafts a short, personal report for the parent. Only first names, dates,
 * figures and what the family may already read (lesson notes shared with them, goal and piece
 * titles, exam results) leave the machine; never contact details, private notes, payments or the
 * office's flags. The rules drafter writes the same shape from the figures. The draft is then the
 * approval kind `progress-report` (the approver may edit the subject and the message).
 */
import { z } from 'zod';
import { defineAiTask } from '../../ai/index.js';
import { defineApprovalKind } from '../approvals/kinds.js';
import { progressReportInput, type ProgressReportInput } from './types.js';

/** A report carries no link and no address: a note saying "tell them to pay at http://…" cannot get one into it. */
const noLinks = (text: string): boolean => !/(?:https?:\/\/|www\.|[\w.+-]+@[\w-]+\.[\w.-]+)/i.test(text);

/** The draft (closed: these two fields and nothing else). */
export const progressReportDraft = z.strictObject({
  /** The e-mail's subject line. */
  subject: z.string().trim().min(1).max(150).refine(noLinks, 'must not hold a link or an e-mail address'),
  /** The report to the parent, plain text with line breaks. */
  message: z.string().trim().min(1).max(4000).refine(noLinks, 'must not hold a link or an e-mail address'),
});
export type ProgressReportDraft = z.infer<typeof progressReportDraft>;

const percent = (rate: number | null): string => (rate === null ? 'no attendance recorded' : `${Math.round(rate * 100)} % attendance`);

/** The rules drafter: the figures written as plain sentences, the teacher's shared notes quoted. */
export function rulesDraft(i: ProgressReportInput): ProgressReportDraft {
  const s = i.summary;
  const name = i.student.firstName;
  const lines: string[] = [`Hello ${i.parent.firstName},`, '', `Here is ${name}'s progress report for ${i.period.label} (${i.period.from} to ${i.period.to}).`, ''];
  const attended = s.attendance.present + s.attendance.late;
  lines.push(
    s.lessons.completed > 0
      ? `Lessons: ${name} attended ${attended} of ${s.lessons.completed} lessons (${percent(s.attendanceRate)}); ${s.lessons.scheduled} more are scheduled.`
      : `Lessons: no lesson was completed in this period; ${s.lessons.scheduled} are scheduled.`,
  );
  if (i.goals.achieved.length > 0) lines.push(`Goals reached: ${i.goals.achieved.join('; ')}.`);
  if (i.goals.active.length > 0) lines.push(`Working towards: ${i.goals.active.join('; ')}.`);
  if (i.pieces.length > 0) lines.push(`Repertoire: ${i.pieces.map((p) => `${p.title} (${p.status})`).join('; ')}.`);
  for (const a of i.assessments) lines.push(`Assessment on ${a.date}: ${a.examBody} ${a.level}, ${a.result}${a.mark === null ? '' : ` (${a.mark})`}.`);
  if (i.notes.length > 0) {
    lines.push('', 'From the lessons:');
    for (const n of i.notes) lines.push(`- ${n.date}: ${n.text}`);
  }
  lines.push('', 'Thank you for your support at home. Reply to this e-mail with any question.');
  const message = lines
    .join('\n')
    .replace(/(?:https?:\/\/|www\.)\S+/gi, '[link]')
    .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, '[email]');
  return { subject: `${name}'s progress report: ${i.period.label}`, message: message.slice(0, 4000) };
}

export const progressReportTask = defineAiTask<ProgressReportInput, ProgressReportDraft>({
  name: 'progress_report.draft',
  description: 'Drafts a personal progress report for a student’s parent from attendance, shared lesson notes, goals, pieces and assessments',
  input: progressReportInput,
  share: (i) => ({
    parentFirstName: i.parent.firstName,
    studentFirstName: i.student.firstName,
    instrument: i.student.instrument,
    period: i.period,
    lessons: i.summary.lessons,
    attendance: i.summary.attendance,
    attendanceRate: i.summary.attendanceRate,
    goalsAchieved: i.goals.achieved,
    goalsActive: i.goals.active,
    pieces: i.pieces,
    assessments: i.assessments,
    lessonNotes: i.notes,
  }),
  subjects: (i) => [i.parent.id],
  instructions: [
    'You write a short, warm, personal progress report from a small music school to a student’s parent.',
    'Use only the figures, dates, goals, pieces, assessments and lesson notes given; invent nothing, promise nothing.',
    'Greet the parent by first name, speak of the student by first name, 120 to 250 words, plain text, no links, no e-mail addresses, nothing about money.',
    'Answer with a subject line and the message. A person at the school reads and approves it before it is sent.',
  ].join(' '),
  output: progressReportDraft,
  maxOutputTokens: 1200,
  draft: rulesDraft,
});

/** The approval of a progress report: approving sends it to the parent (template `progress_report`). */
export const progressReportApproval = defineApprovalKind<ProgressReportDraft>({
  kind: 'progress-report',
  description: 'A student’s progress report for a period, to be sent to the parent (the subject and the message may be edited)',
  schema: progressReportDraft,
  timeoutMs: 14 * 86_400_000,
});
