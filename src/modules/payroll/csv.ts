/**
 * CSV of payroll runs (RFC 4180, header row, comma-separated, via csv-stringify). Money columns
 * are integer cents plus the same amount in currency units with two decimals.
 */
import { stringify } from 'csv-stringify/sync';
import type { RunDetail, RunSummary } from './schemas.js';

/** 12345 → '123.45'; -5 → '-0.05'. */
export const units = (cents: number): string => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

/** One row per line, then one per adjustment (reason `adjustment`, the note in `note`). */
export function runCsv(run: RunDetail): string {
  const header = [
    'runId',
    'status',
    'kind',
    'teacherId',
    'teacherName',
    'lessonId',
    'lessonDate',
    'scheduledAt',
    'studentName',
    'reason',
    'minutes',
    'ratePerHourCents',
    'payPercent',
    'amountCents',
    'amount',
    'note',
  ];
  const lines = run.lines.map((l) => [
    run.id,
    run.status,
    'lesson',
    l.teacherId,
    l.teacherName,
    l.lessonId ?? '',
    l.lessonDate,
    l.scheduledAt,
    l.studentName ?? '',
    l.reason,
    l.minutes,
    l.ratePerHourCents,
    l.payPercent,
    l.amountCents,
    units(l.amountCents),
    '',
  ]);
  const adjustments = run.adjustments.map((a) => [
    run.id,
    run.status,
    'adjustment',
    a.teacherId,
    a.teacherName,
    '',
    '',
    '',
    '',
    'adjustment',
    '',
    '',
    '',
    a.amountCents,
    units(a.amountCents),
    a.reason,
  ]);
  return stringify([header, ...lines, ...adjustments]);
}

/** One row per run. */
export function runListCsv(runs: readonly RunSummary[]): string {
  const header = ['runId', 'from', 'to', 'status', 'lineCount', 'totalCents', 'total', 'approvedAt', 'paidOn', 'reference'];
  const rows = runs.map((r) => [r.id, r.from, r.to, r.status, r.lineCount, r.totalCents, units(r.totalCents), r.approvedAt ?? '', r.paidOn ?? '', r.reference ?? '']);
  return stringify([header, ...rows]);
}
