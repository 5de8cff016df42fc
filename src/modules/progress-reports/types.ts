/** What the progress-report workflow compiles for one student and period, and the office's flags. */
import { z } from 'zod';
import { progressSummary } from '../progress/timeline-schemas.js';

const localDate = z.iso.date();

/** Why a report starts: the monthly cron, the end-of-semester cron, or the office. */
export const reportCadences = ['monthly', 'semester', 'office'] as const;
export type ReportCadence = (typeof reportCadences)[number];

/** A range of local days, both included, and how the report names it ("November 2026", "Fall 2026"). */
export const reportPeriod = z.object({ from: localDate, to: localDate, label: z.string().min(1).max(120) });
export type ReportPeriod = z.infer<typeof reportPeriod>;

export const flagCodes = ['absences', 'falling_attendance', 'overdue_payments', 'no_notes'] as const;
export type FlagCode = (typeof flagCodes)[number];
/** A reason for the office to look closer at a student (never shown to the family or a provider). */
export const attentionFlag = z.object({ code: z.enum(flagCodes), reason: z.string() });
export type AttentionFlag = z.infer<typeof attentionFlag>;

/** The office's side of a report: what the flags are computed from. Stays on the machine. */
export const officeFigures = z.object({
  /** Attendance rate (0–1) of the period before, of the same length (the calendar month before for a month); null without any. */
  previousAttendanceRate: z.number().nullable(),
  /** The family's failed, unsettled payments. */
  overduePayments: z.object({ count: z.number().int(), cents: z.number().int() }),
  /** Completed lessons of the period with a note shared with the family. */
  lessonsWithNotes: z.number().int(),
});
export type OfficeFigures = z.infer<typeof officeFigures>;

/** The AI task's input: one student's period (only `share` of task.ts leaves the machine). */
export const progressReportInput = z.object({
  student: z.object({ id: z.number().int(), firstName: z.string(), lastName: z.string(), instrument: z.string() }),
  parent: z.object({ id: z.number().int(), firstName: z.string(), lastName: z.string() }),
  period: reportPeriod,
  summary: progressSummary,
  /** Notes of the period's lessons shared with the family (never the private notes), oldest first. */
  notes: z.array(z.object({ date: localDate, text: z.string() })),
  goals: z.object({ achieved: z.array(z.string()), active: z.array(z.string()) }),
  /** The repertoire now (title, composer, status). */
  pieces: z.array(z.object({ title: z.string(), composer: z.string().nullable(), status: z.string() })),
  /** Assessments taken in the period. */
  assessments: z.array(z.object({ date: localDate, examBody: z.string(), level: z.string(), result: z.string(), mark: z.number().int().nullable() })),
  office: officeFigures,
  flags: z.array(attentionFlag),
});
export type ProgressReportInput = z.infer<typeof progressReportInput>;
