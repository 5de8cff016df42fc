import type { paths } from '../../../api/schema';
import { money } from '../../../ui/format';

/** The answer of GET /api/v1/reports/{report}: one flat table (`rows` in `columns` order) and its totals. */
export type ReportAnswer = paths['/api/v1/reports/{report}']['get']['responses'][200]['content']['application/json'];
export type ReportRow = ReportAnswer['rows'][number];

/**
 * How the console shows one report: its groupings (as the server accepts them, the first its
 * default), the columns that name a row (those present in the answer are joined), the figures
 * the chart draws, and the chart's kind: bars (stacked when the figures are parts of one whole)
 * or lines for a figure followed over time.
 */
export interface ReportKind {
  name: string;
  title: string;
  description: string;
  groupings: [string, ...string[]];
  labelColumns: string[];
  series: string[];
  chart: 'bar' | 'stacked' | 'line';
}

export const reportKinds: ReportKind[] = [
  {
    name: 'revenue',
    title: 'Revenue',
    description: 'Money billed, collected and refunded in the period.',
    groupings: ['month', 'instrument', 'teacher'],
    labelColumns: ['month', 'instrument', 'teacherName'],
    series: ['billedCents', 'collectedCents', 'refundedCents', 'netCents'],
    chart: 'bar',
  },
  {
    name: 'receivables',
    title: 'Receivables',
    description: 'What each family owed at the end of the period, by how long it has been due.',
    groupings: ['family'],
    labelColumns: ['parentName'],
    series: ['days0To30Cents', 'days31To60Cents', 'days61To90Cents', 'over90DaysCents'],
    chart: 'stacked',
  },
  {
    name: 'retention',
    title: 'Retention',
    description: 'Active students each month, and how many started and left.',
    groupings: ['month', 'instrument'],
    labelColumns: ['month', 'instrument'],
    series: ['active', 'new', 'left'],
    chart: 'line',
  },
  {
    name: 'attendance',
    title: 'Attendance',
    description: 'The lessons of the period and what became of them.',
    groupings: ['teacher', 'student'],
    labelColumns: ['teacherName', 'studentName'],
    series: ['attended', 'absent', 'excused', 'cancelledByFamily', 'cancelledBySchool', 'cancelledByTeacher', 'unrecorded'],
    chart: 'stacked',
  },
  {
    name: 'utilisation',
    title: 'Utilisation',
    description: "Teachers' available and booked minutes per week or month.",
    groupings: ['week', 'month'],
    labelColumns: ['teacherName', 'period'],
    series: ['availableMinutes', 'bookedMinutes'],
    chart: 'bar',
  },
  {
    name: 'enrollment-funnel',
    title: 'Enrollment funnel',
    description: 'Enrollment forms submitted in the period and how they ended.',
    groupings: ['month', 'instrument'],
    labelColumns: ['month', 'instrument'],
    series: ['submitted', 'completed', 'waitlisted', 'rejected', 'failed', 'pending'],
    chart: 'bar',
  },
  {
    name: 'makeup-credits',
    title: 'Make-up credits',
    description: 'Make-up credits granted in the period: open, used and expired.',
    groupings: ['teacher', 'student'],
    labelColumns: ['teacherName', 'studentName'],
    series: ['open', 'used', 'expired'],
    chart: 'stacked',
  },
];

/** `billedCents` → "Billed", `days0To30Cents` → "Days 0 to 30", `medianSecondsToComplete` → "Median seconds to complete". */
export function columnTitle(column: string): string {
  const words = column
    .replace(/Cents$/, '')
    .replace(/([a-z])([A-Z0-9])|([0-9])([A-Za-z])/g, (_, a, b, c, d) => `${a ?? c} ${b ?? d}`)
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A cell as the table shows it: cents as money, the utilisation ratio as a percentage, nothing as a dash. */
export function cellText(column: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return value;
  if (column.endsWith('Cents')) return money(value);
  if (column === 'utilisation') return `${Math.round(value * 100)}%`;
  return new Intl.NumberFormat('en-CA').format(value);
}

/** The name of a row: its label columns present in the answer, joined (a missing name is a dash). */
export function rowLabel(kind: ReportKind, answer: ReportAnswer, row: ReportRow): string {
  return kind.labelColumns
    .filter((column) => answer.columns.includes(column))
    .map((column) => cellText(column, row[column]))
    .join(' · ');
}
