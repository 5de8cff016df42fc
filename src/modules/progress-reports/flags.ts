/** The office's reasons to look closer at a student, computed from one period's figures. */
import type { ProgressSummary } from '../progress/index.js';
import type { AttentionFlag, OfficeFigures } from './types.js';

/** Unexcused absences in one period from which a student is flagged. */
export const ABSENCES_FLAG_AT = 2;
/** Drop of the attendance rate against the period before (0–1, i.e. 15 points) from which a student is flagged. */
export const FALLING_ATTENDANCE_DROP = 0.15;

const pct = (rate: number): string => `${Math.round(rate * 100)} %`;
const money = (cents: number): string => (cents / 100).toFixed(2);

export function attentionFlags(summary: ProgressSummary, office: OfficeFigures): AttentionFlag[] {
  const flags: AttentionFlag[] = [];
  const absent = summary.attendance.absent;
  if (absent >= ABSENCES_FLAG_AT) flags.push({ code: 'absences', reason: `${absent} unexcused absences in the period` });
  const now = summary.attendanceRate;
  const before = office.previousAttendanceRate;
  if (now !== null && before !== null && before - now >= FALLING_ATTENDANCE_DROP - 1e-9) {
    flags.push({ code: 'falling_attendance', reason: `attendance fell from ${pct(before)} to ${pct(now)}` });
  }
  if (office.overduePayments.count > 0) {
    flags.push({ code: 'overdue_payments', reason: `${office.overduePayments.count} overdue payment(s), ${money(office.overduePayments.cents)} owed` });
  }
  if (summary.lessons.completed > 0 && office.lessonsWithNotes === 0) {
    flags.push({ code: 'no_notes', reason: `no note shared with the family in ${summary.lessons.completed} completed lesson(s)` });
  }
  return flags;
}
