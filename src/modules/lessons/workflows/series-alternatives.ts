import { nextFreeSlots } from '../../scheduling/availability.js';
import { expandSeries } from '../../scheduling/recurrence.js';
import type { SchedulingRules, Slot } from '../../scheduling/types.js';
import { ALTERNATIVES, conflictsIn } from '../check.js';
import { loadSchedulingData } from '../context.js';
import type { LessonDeps } from '../deps.js';
import type { CreateLessonBody } from '../schemas.js';

const DAY = 86_400_000;
/** Free first-lesson starts tried per request (the 15-minute grid of `nextFreeSlots`). */
const CANDIDATES = ALTERNATIVES.count * 10;
/** Extra days loaded past the original series' span, for dates pushed later by closures. */
const SLACK_DAYS = 62;

type Recurrence = NonNullable<CreateLessonBody['recurrence']>;

/**
 * Alternatives for a recurring series that conflicts: free first-lesson slots of the same teacher
 * (within ALTERNATIVES.horizonDays of the requested start) from which the *whole* series — the
 * same frequency and count/until, expanded again in the school's zone around closures — breaks no
 * rule. Built only from the lessons module's pieces (loadSchedulingData, nextFreeSlots,
 * expandSeries, conflictsIn), with one database read. Returns at most ALTERNATIVES.count slots.
 */
export async function seriesAlternatives(
  deps: LessonDeps,
  rules: SchedulingRules,
  body: CreateLessonBody & { recurrence: Recurrence },
  occurrences: readonly number[],
): Promise<Slot[]> {
  const first = occurrences[0];
  const last = occurrences[occurrences.length - 1];
  if (first === undefined || last === undefined) return [];
  const after = Math.max(first, rules.now);
  const to = after + (ALTERNATIVES.horizonDays + SLACK_DAYS) * DAY + (last - first);
  const data = await loadSchedulingData(deps.db.sql, {
    teacherIds: [body.teacherId],
    studentId: body.studentId,
    from: after,
    to,
    bufferMinutes: rules.bufferMinutes,
  });
  const calendar = data.calendars.get(body.teacherId);
  if (!calendar) return [];
  const candidates = nextFreeSlots(calendar, data.closures, rules, {
    after,
    durationMinutes: body.durationMinutes,
    count: CANDIDATES,
    horizonDays: ALTERNATIVES.horizonDays,
    studentLessons: data.studentLessons,
  });
  const found: Slot[] = [];
  for (const candidate of candidates) {
    const firstStart = Date.parse(candidate.startsAt);
    const series = expandSeries({ firstStart, zone: rules.zone, ...body.recurrence, closures: data.closures });
    const end = series.occurrences[series.occurrences.length - 1];
    // A series reaching past the loaded range is not proven free: leave it out.
    if (end === undefined || end + body.durationMinutes * 60_000 > to) continue;
    const free = series.occurrences.every((start) => conflictsIn(data, rules, { teacherId: body.teacherId, start, durationMinutes: body.durationMinutes }).length === 0);
    if (free) found.push(candidate);
    if (found.length >= ALTERNATIVES.count) break;
  }
  return found;
}
