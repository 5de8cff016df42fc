import type { Caller } from '../auth/scoped.js';
import type { KnownSettings } from '../settings/types.js';
import { notFound } from '../../http/errors.js';
import { formatSlots, freeSlotStarts } from '../scheduling/availability.js';
import { isoInZone, localInstant, parseLocalDate, timeOfMinutes, minutesOfTime } from '../scheduling/local-time.js';
import type { Slot } from '../scheduling/types.js';
import { loadSchedulingData, type SchedulingData } from './context.js';
import { badField, rulesOf, settingsOf, type LessonDeps } from './deps.js';

const DAY = 86_400_000;
/** Longest range a slot query may cover. */
export const MAX_RANGE_DAYS = 31;
/** Slot grid of the availability and public endpoints: every 30 minutes from the start of each block of hours. */
export const SLOT_STEP_MINUTES = 30;

/**
 * `from`/`to` of a slot query: instants, or local dates in the school's zone meaning the whole day
 * (from its start; to the end of that day). Defaults: from now, to `defaultDays` later.
 */
export function rangeOf(q: { from?: string | undefined; to?: string | undefined }, zone: string, now: number, defaultDays: number) {
  const read = (value: string, endOfDay: boolean): number => (value.length === 10 ? localInstant(parseLocalDate(value), endOfDay ? 1440 : 0, zone) : Date.parse(value));
  const from = q.from ? read(q.from, false) : now;
  const to = q.to ? read(q.to, true) : from + defaultDays * DAY;
  if (to <= from) throw badField('querystring.to', 'must be after from');
  if (to - from > MAX_RANGE_DAYS * DAY) throw badField('querystring.to', `the range may span at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

/** Free slots of several teachers in [from, to), ordered by start instant, then teacher. */
export function slotsOf(data: SchedulingData, settings: KnownSettings, now: number, range: { from: number; to: number }, durationMinutes: number): Slot[] {
  const rules = rulesOf(settings, now);
  const entries: { teacherId: number; start: number }[] = [];
  for (const calendar of data.calendars.values()) {
    const starts = freeSlotStarts(calendar, data.closures, rules, { ...range, durationMinutes, stepMinutes: SLOT_STEP_MINUTES });
    for (const start of starts) entries.push({ teacherId: calendar.teacherId, start });
  }
  entries.sort((a, b) => a.start - b.start || a.teacherId - b.teacherId);
  return formatSlots(entries, durationMinutes, rules.zone);
}

/**
 * GET /teachers/{id}/availability (any signed-in user): weekly hours (school-local), time off in
 * the range (the reason only for admins and the teacher), and free slots for `duration`.
 */
export async function teacherAvailability(deps: LessonDeps, caller: Caller, teacherId: number, q: { from?: string | undefined; to?: string | undefined; duration: number }) {
  const settings = await settingsOf(deps);
  const now = deps.now();
  const range = rangeOf(q, settings.timezone, now, 7);
  const data = await loadSchedulingData(deps.db.sql, { teacherIds: [teacherId], from: range.from, to: range.to, bufferMinutes: settings.bufferMinutes });
  const calendar = data.calendars.get(teacherId);
  if (!calendar) throw notFound(`Teacher ${teacherId}`);
  const reasons =
    caller.role === 'admin' || caller.role === 'teacher'
      ? await deps.db.sql.query<{ starts_at: Date; reason: string | null; user_id: number }>(
          `SELECT o.starts_at, o.reason, t.user_id FROM teacher_time_off o JOIN teachers t ON t.id = o.teacher_id
           WHERE o.teacher_id = $1 AND o.starts_at < $3 AND o.ends_at > $2`,
          [teacherId, new Date(range.from).toISOString(), new Date(range.to).toISOString()],
        )
      : [];
  const reasonAt = new Map(reasons.filter((r) => caller.role === 'admin' || r.user_id === caller.userId).map((r) => [r.starts_at.getTime(), r.reason]));
  const zone = settings.timezone;
  return {
    teacherId,
    timezone: zone,
    durationMinutes: q.duration,
    stepMinutes: SLOT_STEP_MINUTES,
    from: isoInZone(range.from, zone),
    to: isoInZone(range.to, zone),
    weeklyHours: [...calendar.hours]
      .sort((a, b) => a.weekday - b.weekday || a.startTime.localeCompare(b.startTime))
      .map((h) => ({ weekday: h.weekday, startTime: timeOfMinutes(minutesOfTime(h.startTime)), endTime: timeOfMinutes(minutesOfTime(h.endTime)) })),
    timeOff: [...calendar.timeOff]
      .sort((a, b) => a.start - b.start)
      .map((o) => ({ startsAt: isoInZone(o.start, zone), endsAt: isoInZone(o.end, zone), reason: reasonAt.get(o.start) ?? null })),
    slots: slotsOf(data, settings, now, range, q.duration),
  };
}

/**
 * GET /public/timeslots: free slots of the available teachers of an instrument (or one teacher),
 * nothing personal. The instrument and the duration must be ones the school offers (settings).
 */
export async function publicTimeslots(
  deps: LessonDeps,
  q: { instrument?: string | undefined; teacherId?: number | undefined; from?: string | undefined; to?: string | undefined; duration?: number | undefined },
) {
  const settings = await settingsOf(deps);
  const now = deps.now();
  const instrument = q.instrument?.trim().toLowerCase();
  if (instrument === undefined && q.teacherId === undefined) throw badField('querystring.instrument', 'give an instrument or a teacherId');
  if (instrument !== undefined && !settings.instruments.includes(instrument)) {
    throw badField('querystring.instrument', `the school teaches ${settings.instruments.join(', ')}`);
  }
  const duration = q.duration ?? settings.lessonDurations[0] ?? 30;
  if (!settings.lessonDurations.includes(duration)) throw badField('querystring.duration', `lessons last ${settings.lessonDurations.join(', ')} minutes`);
  const range = rangeOf(q, settings.timezone, now, 14);
  const teachers = await deps.db.sql.query<{ id: number }>(
    `SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id
     WHERE t.is_available AND u.is_active AND ($1::text IS NULL OR $1::text = ANY (t.instruments)) AND ($2::int IS NULL OR t.id = $2::int)
     ORDER BY t.id`,
    [instrument ?? null, q.teacherId ?? null],
  );
  const data = await loadSchedulingData(deps.db.sql, { teacherIds: teachers.map((t) => t.id), from: range.from, to: range.to, bufferMinutes: settings.bufferMinutes });
  const zone = settings.timezone;
  return { timezone: zone, durationMinutes: duration, from: isoInZone(range.from, zone), to: isoInZone(range.to, zone), data: slotsOf(data, settings, now, range, duration) };
}
