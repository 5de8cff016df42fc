import { DateTime } from 'luxon';
import rrule from 'rrule';
import { closureOn, localInstant, parseLocalDate } from './local-time.js';
import type { DateRange, Interval } from './types.js';

const { RRule } = rrule;

export const recurrenceFrequencies = ['weekly', 'biweekly', 'monthly'] as const;
export type RecurrenceFrequency = (typeof recurrenceFrequencies)[number];

/** Most dates a series may span (lessons plus skipped closure dates). */
export const MAX_SERIES_DATES = 104;

export interface SeriesSpec {
  /** The first lesson's start (epoch ms); its local date and time in `zone` set the pattern. */
  firstStart: number;
  zone: string;
  frequency: RecurrenceFrequency;
  /** Number of lessons to create (closure dates skipped do not count). */
  count?: number | undefined;
  /** Last local date (inclusive) a lesson may fall on, 'YYYY-MM-DD'. */
  until?: string | undefined;
  closures: readonly DateRange[];
  /** The teacher's time off: a lesson that would overlap one is skipped like a closure date. Default none. */
  timeOff?: readonly TimeOffSpan[] | undefined;
  /** Lesson length, minutes, for the time-off overlap. Default 30. */
  durationMinutes?: number | undefined;
}

/** A teacher's time off as the series sees it: [start, end) epoch ms. */
export interface TimeOffSpan extends Interval {
  id: number;
  reason: string | null;
}

/**
 * A local date dropped from a series: a closure (`closure`: its name) or the teacher's time off
 * (`timeOffId`, and `timeOff`: its reason, or "time off").
 */
export interface SkippedDate {
  date: string;
  closure?: string;
  timeOffId?: number;
  timeOff?: string;
}

export interface SeriesExpansion {
  /** Lesson starts (epoch ms), each at the first lesson's local wall-clock time. */
  occurrences: number[];
  /** Local dates dropped because the school is closed or the teacher is away. */
  skipped: SkippedDate[];
}

const weekdays = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU] as const;

/**
 * Expands a weekly, biweekly or monthly series. rrule works on "floating" local times (local
 * wall-clock fields stored as UTC, so it never sees an offset); each date is then resolved in the
 * school's zone with luxon, so a 16:00 series stays at 16:00 local across DST changes while its
 * UTC offset changes. Monthly means the same weekday of the same week of the month (the 2nd
 * Tuesday; a 5th weekday becomes the last one), so it stays inside weekly hours. Dates on
 * closures, and lessons that would overlap the teacher's time off, are skipped and reported;
 * `count` counts lessons, not skipped dates.
 */
export function expandSeries(spec: SeriesSpec): SeriesExpansion {
  if (spec.count === undefined && spec.until === undefined) throw new Error('expandSeries: count or until is required');
  const local = DateTime.fromMillis(spec.firstStart, { zone: spec.zone });
  const minuteOfDay = local.hour * 60 + local.minute;
  const dtstart = new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute));
  const byMonth = spec.frequency === 'monthly';
  const nth = Math.ceil(local.day / 7);
  const weekday = weekdays[local.weekday - 1]!;
  const until = spec.until ? parseLocalDate(spec.until) : undefined;
  const rule = new RRule({
    freq: byMonth ? RRule.MONTHLY : RRule.WEEKLY,
    interval: spec.frequency === 'biweekly' ? 2 : 1,
    dtstart,
    ...(byMonth ? { byweekday: [weekday.nth(nth === 5 ? -1 : nth)] } : {}),
    ...(until ? { until: new Date(Date.UTC(until.year, until.month - 1, until.day, 23, 59, 59)) } : {}),
  });

  const result: SeriesExpansion = { occurrences: [], skipped: [] };
  const done = (): boolean => (spec.count !== undefined && result.occurrences.length >= spec.count) || result.occurrences.length + result.skipped.length >= MAX_SERIES_DATES;
  rule.all((floating) => {
    if (done()) return false;
    const date = floating.toISOString().slice(0, 10);
    const closure = closureOn(date, spec.closures);
    if (closure) {
      result.skipped.push({ date, closure: closure.name ?? `${closure.startsOn}–${closure.endsOn}` });
      return true;
    }
    const start = localInstant(parseLocalDate(date), minuteOfDay, spec.zone);
    const end = start + (spec.durationMinutes ?? 30) * 60_000;
    const away = spec.timeOff?.find((off) => off.start < end && start < off.end);
    if (away) result.skipped.push({ date, timeOffId: away.id, timeOff: away.reason ?? 'time off' });
    else result.occurrences.push(start);
    return true;
  });
  return result;
}
