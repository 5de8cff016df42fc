/**
 * Where the demo lesson goes: the next free start that fits the family's preferences, as a pure
 * function over the teacher's free starts (computed by scheduling/availability.ts).
 *
 * Preference order: the preferred day and part of the day; else the preferred day; else the
 * preferred part of the day; else simply the next free start. Earlier wins within each level.
 */
import { offsetAt } from '../scheduling/local-time.js';
import type { DayPart, LessonDay } from './schemas.js';
import { DAY_PARTS, WEEKDAY_OF } from './scoring.js';

const MINUTE = 60_000;

export interface DemoChoice {
  start: number;
  /** Which preferences the start satisfies. */
  fits: { day: boolean; time: boolean };
}

/** ISO weekday (1 = Monday) and minutes after local midnight of instant `ms` in `zone`. */
export function localClock(ms: number, zone: string): { weekday: number; minutes: number } {
  const local = new Date(ms + offsetAt(zone, ms) * MINUTE);
  const day = local.getUTCDay();
  return { weekday: day === 0 ? 7 : day, minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/**
 * Picks the demo start among `starts` (epoch ms, ascending, each already free for the whole
 * lesson). Undefined when there is none.
 */
export function chooseDemoStart(
  starts: readonly number[],
  prefs: { day?: LessonDay | undefined; time?: DayPart | undefined; durationMinutes: number },
  zone: string,
): DemoChoice | undefined {
  let dayOnly: DemoChoice | undefined;
  let timeOnly: DemoChoice | undefined;
  for (const start of starts) {
    const clock = localClock(start, zone);
    const day = prefs.day !== undefined && clock.weekday === WEEKDAY_OF[prefs.day];
    const part = prefs.time ? DAY_PARTS[prefs.time] : undefined;
    const time = part !== undefined && clock.minutes >= part.start && clock.minutes + prefs.durationMinutes <= part.end;
    const wantsDay = prefs.day !== undefined;
    const wantsTime = prefs.time !== undefined;
    if ((day || !wantsDay) && (time || !wantsTime)) return { start, fits: { day, time } };
    if (day && !dayOnly) dayOnly = { start, fits: { day, time } };
    if (time && !timeOnly) timeOnly = { start, fits: { day, time } };
  }
  const first = starts[0];
  return dayOnly ?? timeOnly ?? (first === undefined ? undefined : { start: first, fits: { day: false, time: false } });
}
