import { IANAZone } from 'luxon';

// Wall-clock helpers: local dates and times in an IANA zone ↔ UTC instants (epoch ms).

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const zones = new Map<string, IANAZone>();

/** The luxon zone object for `name` (cached; Intl formatters are costly to build). */
export function zoneOf(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = IANAZone.create(name);
    if (!zone.isValid) throw new Error(`Unknown time zone "${name}"`);
    zones.set(name, zone);
  }
  return zone;
}

const QUARTER_HOUR = 15 * MINUTE;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * UTC offset of `zone` at instant `ms`, minutes (e.g. -180 for ADT). Cached per quarter hour:
 * offsets change only at transitions, which fall on quarter hours (Intl lookups are slow).
 */
export function offsetAt(zone: string, ms: number): number {
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const bucket = Math.floor(ms / QUARTER_HOUR);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    if (cache.size > 200_000) cache.clear();
    offset = zoneOf(zone).offset(bucket * QUARTER_HOUR);
    cache.set(bucket, offset);
  }
  return offset;
}

/** Minutes since midnight of 'HH:MM' or 'HH:MM:SS' ('24:00' is 1440). */
export function minutesOfTime(time: string): number {
  const [h = '0', m = '0'] = time.split(':');
  return Number(h) * 60 + Number(m);
}

/** 'HH:MM' of minutes since midnight. */
export function timeOfMinutes(minutes: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/**
 * The instant at which the wall clock in `zone` shows `minutes` past midnight of `date`.
 * - A time skipped by a spring-forward change (02:30 on the day clocks jump 02:00 → 03:00) maps to
 *   the instant of the jump (03:00 local), so a block 02:30–04:00 becomes 03:00–04:00.
 * - A time that occurs twice at a fall-back change maps to its first occurrence (daylight time).
 * - 1440 minutes is midnight at the end of the day.
 */
export function localInstant(date: LocalDate, minutes: number, zone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE; // the wall clock read as UTC
  // Candidates with the offsets in force a day before and a day after (at most one change between).
  const early = wall - offsetAt(zone, wall - DAY) * MINUTE;
  const late = wall - offsetAt(zone, wall + DAY) * MINUTE;
  const shows = (t: number): boolean => t + offsetAt(zone, t) * MINUTE === wall;
  const valid = [early, late].filter(shows);
  if (valid.length > 0) return Math.min(...valid);
  return jumpInstantBefore(Math.max(early, late), zone);
}

/** In a spring-forward gap luxon moves the time forward past the gap; find the jump itself. */
function jumpInstantBefore(after: number, zone: string): number {
  const postOffset = offsetAt(zone, after);
  let lo = after - 3 * 60 * MINUTE; // before the change (gaps are at most a few hours)
  let hi = after;
  if (offsetAt(zone, lo) === postOffset) return after;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
    if (offsetAt(zone, mid) === postOffset) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The local calendar date ('YYYY-MM-DD') of instant `ms` in `zone`. */
export function localDateOf(ms: number, zone: string): string {
  return new Date(ms + offsetAt(zone, ms) * MINUTE).toISOString().slice(0, 10);
}

/** Parses 'YYYY-MM-DD'. */
export function parseLocalDate(iso: string): LocalDate {
  const [year = 0, month = 1, day = 1] = iso.split('-').map(Number);
  return { year, month, day };
}

/** Each local date (with its ISO weekday) whose day overlaps [from, to), in `zone`. */
export function* localDays(from: number, to: number, zone: string): Generator<{ date: LocalDate; iso: string; weekday: number }> {
  const first = parseLocalDate(localDateOf(from, zone));
  const last = localDateOf(to - 1, zone);
  // Calendar arithmetic on a UTC date: no offsets involved, so no DST surprises.
  const cursor = new Date(Date.UTC(first.year, first.month - 1, first.day));
  for (let guard = 0; guard < 3700; guard += 1) {
    const iso = cursor.toISOString().slice(0, 10);
    if (iso > last) return;
    const weekday = cursor.getUTCDay() === 0 ? 7 : cursor.getUTCDay();
    yield { date: { year: cursor.getUTCFullYear(), month: cursor.getUTCMonth() + 1, day: cursor.getUTCDate() }, iso, weekday };
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
}

/** ISO 8601 of `ms` with the UTC offset of `zone` at that instant, e.g. 2027-03-15T16:00:00-03:00. */
export function isoInZone(ms: number, zone: string, offsetMinutes = offsetAt(zone, ms)): string {
  const local = new Date(ms + offsetMinutes * MINUTE).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Whether local date `iso` falls in one of `ranges` (inclusive); returns that range. */
export function closureOn<T extends { startsOn: string; endsOn: string }>(iso: string, ranges: readonly T[]): T | undefined {
  return ranges.find((r) => r.startsOn <= iso && iso <= r.endsOn);
}
