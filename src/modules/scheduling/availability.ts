import { closureOn, isoInZone, localDays, localInstant, minutesOfTime } from './local-time.js';
import type { BusyLesson, DateRange, Interval, SchedulingRules, Slot, TeacherCalendar, WeeklyHours } from './types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Default spacing of candidate start times, minutes (slots start on a grid anchored at each block's start). */
export const DEFAULT_STEP_MINUTES = 15;

/** Sorts and merges overlapping or touching intervals. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else merged.push({ start: next.start, end: next.end });
  }
  return merged;
}

/**
 * The teacher's working time overlapping [from, to): each local date in `zone` whose ISO weekday has
 * weekly hours, outside closures, with each block resolved on that date (so 16:00 stays 16:00 local
 * on both sides of a DST change). Touching or overlapping blocks are merged.
 */
export function workingWindows(hours: readonly WeeklyHours[], closures: readonly DateRange[], zone: string, from: number, to: number): Interval[] {
  if (hours.length === 0 || to <= from) return [];
  const windows: Interval[] = [];
  for (const day of localDays(from, to, zone)) {
    if (closureOn(day.iso, closures)) continue;
    for (const block of hours) {
      if (block.weekday !== day.weekday) continue;
      const start = localInstant(day.date, minutesOfTime(block.startTime), zone);
      const end = localInstant(day.date, minutesOfTime(block.endTime), zone);
      if (end > start && end > from && start < to) windows.push({ start, end });
    }
  }
  return mergeIntervals(windows);
}

/**
 * Time a new lesson may not overlap: the teacher's lessons widened by the buffer on both sides (the
 * gap after an existing lesson, and the gap the new lesson needs before the next one), time off,
 * and the student's own lessons. Merged and sorted.
 */
export function busyIntervals(calendar: TeacherCalendar, bufferMinutes: number, studentLessons: readonly BusyLesson[] = [], ignoreLessonId?: number): Interval[] {
  const buffer = bufferMinutes * MINUTE;
  const busy: Interval[] = [];
  for (const lesson of calendar.lessons) {
    if (lesson.id !== ignoreLessonId) busy.push({ start: lesson.start - buffer, end: lesson.end + buffer });
  }
  for (const off of calendar.timeOff) busy.push(off);
  for (const lesson of studentLessons) if (lesson.id !== ignoreLessonId) busy.push(lesson);
  return mergeIntervals(busy);
}

export interface SlotQuery {
  /** Range of slot starts [from, to), epoch ms. */
  from: number;
  to: number;
  durationMinutes: number;
  stepMinutes?: number;
  /** The student's lessons (when booking for a known student). */
  studentLessons?: readonly BusyLesson[];
  /** A lesson being moved: it does not block its own new time. */
  ignoreLessonId?: number;
}

/** Earliest allowed start: now plus the minimum notice. */
export const earliestStart = (rules: SchedulingRules): number => rules.now + rules.minimumNoticeHours * HOUR;

/**
 * Free start instants (epoch ms) for one teacher: inside working windows, outside closures, time
 * off and busy time, not before now + minimum notice; starts on a grid of `stepMinutes` from
 * each window's start, whole lesson inside the window.
 */
export function freeSlotStarts(calendar: TeacherCalendar, closures: readonly DateRange[], rules: SchedulingRules, query: SlotQuery): number[] {
  const step = (query.stepMinutes ?? DEFAULT_STEP_MINUTES) * MINUTE;
  const duration = query.durationMinutes * MINUTE;
  const earliest = Math.max(query.from, earliestStart(rules));
  const windows = workingWindows(calendar.hours, closures, rules.zone, earliest, query.to + duration);
  const busy = busyIntervals(calendar, rules.bufferMinutes, query.studentLessons, query.ignoreLessonId);
  const starts: number[] = [];
  let b = 0;
  for (const window of windows) {
    let start = window.start + Math.max(0, Math.ceil((earliest - window.start) / step)) * step;
    for (; start + duration <= window.end && start < query.to; start += step) {
      while (b < busy.length && busy[b]!.end <= start) b += 1;
      if (b < busy.length && busy[b]!.start < start + duration) continue;
      starts.push(start);
    }
  }
  return starts;
}

/** Formats (teacher, start) pairs as API slots, with the school's UTC offset at each instant. */
export function formatSlots(entries: readonly { teacherId: number; start: number }[], durationMinutes: number, zone: string): Slot[] {
  const duration = durationMinutes * MINUTE;
  return entries.map(({ teacherId, start }) => ({ teacherId, startsAt: isoInZone(start, zone), endsAt: isoInZone(start + duration, zone) }));
}

/** Formats one teacher's start instants as API slots. */
export const toSlots = (teacherId: number, starts: readonly number[], durationMinutes: number, zone: string): Slot[] =>
  formatSlots(
    starts.map((start) => ({ teacherId, start })),
    durationMinutes,
    zone,
  );

/** Free slots of one teacher in [from, to). */
export function freeSlots(calendar: TeacherCalendar, closures: readonly DateRange[], rules: SchedulingRules, query: SlotQuery): Slot[] {
  return toSlots(calendar.teacherId, freeSlotStarts(calendar, closures, rules, query), query.durationMinutes, rules.zone);
}

/**
 * The next `count` free slots at or after `after` for this teacher and duration (the alternatives
 * offered with a 409), searching up to `horizonDays` ahead a week at a time.
 */
export function nextFreeSlots(
  calendar: TeacherCalendar,
  closures: readonly DateRange[],
  rules: SchedulingRules,
  options: { after: number; durationMinutes: number; count: number; horizonDays?: number } & Pick<SlotQuery, 'studentLessons' | 'ignoreLessonId' | 'stepMinutes'>,
): Slot[] {
  const horizon = options.after + (options.horizonDays ?? 28) * DAY;
  const found: number[] = [];
  for (let from = options.after; from < horizon && found.length < options.count; from += 7 * DAY) {
    const to = Math.min(horizon, from + 7 * DAY);
    found.push(...freeSlotStarts(calendar, closures, rules, { ...options, from, to }));
  }
  return toSlots(calendar.teacherId, found.slice(0, options.count), options.durationMinutes, rules.zone);
}
