/**
 * The figures of a schedule review, for a range of school-local dates: utilisation per teacher,
 * short holes and long spread-out days, upcoming lessons that clash with time off or closures (with
 * the free times they could move to), and waitlisted students who would fit a free slot of a
 * teacher of their instrument. The rows come from SQL; free time is the lessons module's own
 * (loadSchedulingData, workingWindows, freeSlotStarts), so a suggested time is one booking accepts.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { loadSchedulingData } from '../lessons/context.js';
import { freeSlotStarts, mergeIntervals, workingWindows } from '../scheduling/availability.js';
import { isoInZone, localDateOf, localInstant, parseLocalDate } from '../scheduling/local-time.js';
import type { Interval, SchedulingRules } from '../scheduling/types.js';
import type { Clash, ScheduleFigures, TeacherFigures, WaitlistFit } from './types.js';

const MINUTE = 60_000;
/** A free hole between two lessons shorter than this (minutes) is reported as a gap. */
export const GAP_MINUTES = 30;
/** A day whose lessons span at least this long (minutes) and are idle at least half of it is reported as spread out. */
export const SPREAD_SPAN_MINUTES = 240;
/** Slot grid of suggested times (minutes), as the availability endpoints. */
const STEP_MINUTES = 30;
/** At most this many times are offered per clashing lesson or waitlisted enrollment. */
const MAX_OPTIONS = 5;
/** At most this many waitlisted enrollments are looked at (the oldest first). */
const MAX_WAITLIST = 50;

interface LessonRow {
  id: number;
  teacher_id: number;
  taught_by: number;
  starts: number;
  ends: number;
}

const overlap = (a: Interval, b: Interval): number => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));

/** `windows` minus `holes`. Both sorted and merged. */
function subtract(windows: readonly Interval[], holes: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const window of windows) {
    let pieces: Interval[] = [{ ...window }];
    for (const hole of holes) {
      pieces = pieces.flatMap((p) =>
        overlap(p, hole) === 0
          ? [p]
          : [
              { start: p.start, end: hole.start },
              { start: hole.end, end: p.end },
            ].filter((q) => q.end > q.start),
      );
    }
    out.push(...pieces);
  }
  return out;
}

/** [from, to) of the local dates (inclusive) in `zone`, epoch ms. */
export function instantsOf(range: { from: string; to: string }, zone: string): Interval {
  return { start: localInstant(parseLocalDate(range.from), 0, zone), end: localInstant(parseLocalDate(range.to), 1440, zone) };
}

export async function computeFigures(
  sql: SqlExecutor,
  range: { from: string; to: string },
  options: { zone: string; bufferMinutes: number; now: number },
): Promise<ScheduleFigures> {
  const { zone } = options;
  const span = instantsOf(range, zone);
  const iso = (ms: number) => isoInZone(ms, zone);
  const teachers = await sql.query<{ id: number; first_name: string; declined: boolean; instruments: string[]; room: boolean; accepting: boolean }>(
    `SELECT t.id, u.first_name, u.ai_processing_declined AS declined, t.instruments, t.is_available AS accepting,
            t.max_students > (SELECT count(*) FROM students s WHERE s.teacher_id = t.id AND s.is_active) AS room
     FROM teachers t JOIN users u ON u.id = t.user_id WHERE u.is_active ORDER BY t.id`,
  );
  const data = await loadSchedulingData(sql, { teacherIds: teachers.map((t) => t.id), from: span.start, to: span.end, bufferMinutes: options.bufferMinutes });
  const lessons = await sql.query<LessonRow>(
    `SELECT id, teacher_id, coalesce(substitute_teacher_id, teacher_id) AS taught_by,
            (extract(epoch FROM scheduled_at) * 1000)::float8 AS starts, (extract(epoch FROM ends_at) * 1000)::float8 AS ends
     FROM lessons WHERE status IN ('scheduled', 'completed') AND scheduled_at < $2 AND ends_at > $1 ORDER BY scheduled_at, id`,
    [new Date(span.start).toISOString(), new Date(span.end).toISOString()],
  );
  const rules: SchedulingRules = { zone, bufferMinutes: options.bufferMinutes, minimumNoticeHours: 0, now: options.now };
  const freeStarts = (teacherId: number, minutes: number, ignoreLessonId?: number): number[] => {
    const calendar = data.calendars.get(teacherId);
    if (!calendar) return [];
    const query = { from: span.start, to: span.end, durationMinutes: minutes, stepMinutes: STEP_MINUTES, ...(ignoreLessonId !== undefined ? { ignoreLessonId } : {}) };
    return freeSlotStarts(calendar, data.closures, rules, query);
  };

  const figures: TeacherFigures[] = teachers.map((t) => {
    const calendar = data.calendars.get(t.id);
    const windows = workingWindows(calendar?.hours ?? [], data.closures, zone, span.start, span.end).map((w) => ({
      start: Math.max(w.start, span.start),
      end: Math.min(w.end, span.end),
    }));
    const available = subtract(windows, mergeIntervals(calendar?.timeOff ?? []));
    const availableMs = available.reduce((sum, w) => sum + (w.end - w.start), 0);
    const taught = lessons.filter((l) => l.taught_by === t.id);
    const bookedMs = taught.reduce((sum, l) => sum + available.reduce((s, w) => s + overlap(w, { start: l.starts, end: l.ends }), 0), 0);
    const availableMinutes = Math.round(availableMs / MINUTE);
    const bookedMinutes = Math.round(bookedMs / MINUTE);
    return {
      teacherId: t.id,
      firstName: t.first_name,
      sharedName: t.declined ? null : t.first_name,
      instruments: t.instruments,
      availableMinutes,
      bookedMinutes,
      utilisationPercent: availableMinutes > 0 ? Math.round((bookedMinutes * 100) / availableMinutes) : null,
      lessons: taught.length,
    };
  });

  const { gaps, spreadDays } = holesAndSpreads(lessons, zone);
  const clashes = await clashesOf(sql, span, options, (c) => freeStarts(c.teacherId, c.minutes, c.lessonId).slice(0, MAX_OPTIONS).map(iso));
  const waitlistFits = await fitsOf(sql, teachers, (teacherId, minutes) => freeStarts(teacherId, minutes), zone);
  return { from: range.from, to: range.to, timezone: zone, teachers: figures, gaps, spreadDays, clashes, waitlistFits };
}

/** Holes shorter than GAP_MINUTES between consecutive lessons of a teacher on one local day, and spread-out days. */
function holesAndSpreads(lessons: readonly LessonRow[], zone: string): Pick<ScheduleFigures, 'gaps' | 'spreadDays'> {
  const byDay = new Map<string, LessonRow[]>();
  for (const lesson of lessons) {
    const key = `${lesson.taught_by}|${localDateOf(lesson.starts, zone)}`;
    byDay.set(key, [...(byDay.get(key) ?? []), lesson]);
  }
  const gaps: ScheduleFigures['gaps'] = [];
  const spreadDays: ScheduleFigures['spreadDays'] = [];
  for (const [key, day] of byDay) {
    const [teacher, date] = key.split('|') as [string, string];
    const teacherId = Number(teacher);
    const busy = mergeIntervals(day.map((l) => ({ start: l.starts, end: l.ends })));
    for (let i = 1; i < busy.length; i += 1) {
      const minutes = Math.round((busy[i]!.start - busy[i - 1]!.end) / MINUTE);
      if (minutes > 0 && minutes < GAP_MINUTES) gaps.push({ teacherId, date, startsAt: isoInZone(busy[i - 1]!.end, zone), endsAt: isoInZone(busy[i]!.start, zone), minutes });
    }
    const first = busy[0]!.start;
    const last = busy[busy.length - 1]!.end;
    const spanMinutes = Math.round((last - first) / MINUTE);
    const bookedMinutes = Math.round(busy.reduce((sum, b) => sum + (b.end - b.start), 0) / MINUTE);
    if (spanMinutes >= SPREAD_SPAN_MINUTES && bookedMinutes * 2 <= spanMinutes) {
      spreadDays.push({ teacherId, date, firstStartsAt: isoInZone(first, zone), lastEndsAt: isoInZone(last, zone), spanMinutes, bookedMinutes });
    }
  }
  const order = (a: { teacherId: number; date: string }, b: { teacherId: number; date: string }) => a.teacherId - b.teacherId || a.date.localeCompare(b.date);
  return { gaps: gaps.sort(order), spreadDays: spreadDays.sort(order) };
}

type Options = (lesson: { lessonId: number; teacherId: number; minutes: number }) => string[];

/** Upcoming scheduled lessons in the range inside their teacher's time off (no substitute) or on a closure day. */
async function clashesOf(sql: SqlExecutor, span: Interval, options: { zone: string; now: number }, moveTo: Options): Promise<Clash[]> {
  const rows = await sql.query<{
    id: number;
    teacher_id: number;
    first_name: string;
    declined: boolean;
    starts: number;
    ends: number;
    minutes: number;
    cause: 'time_off' | 'closure';
    closure_name: string | null;
  }>(
    `WITH upcoming AS (
       SELECT l.*, s.first_name, coalesce(p.ai_processing_declined, false) AS declined
       FROM lessons l JOIN students s ON s.id = l.student_id LEFT JOIN users p ON p.id = s.parent_id
       WHERE l.status = 'scheduled' AND l.scheduled_at >= greatest($1::timestamptz, $3::timestamptz) AND l.scheduled_at < $2)
     SELECT DISTINCT ON (u.id) u.id, u.teacher_id, u.first_name, u.declined, u.duration_minutes AS minutes,
            (extract(epoch FROM u.scheduled_at) * 1000)::float8 AS starts, (extract(epoch FROM u.ends_at) * 1000)::float8 AS ends, x.cause, x.closure_name
     FROM upcoming u
     JOIN LATERAL (
       SELECT 'closure' AS cause, c.name AS closure_name FROM closures c
       WHERE (u.scheduled_at AT TIME ZONE $4)::date BETWEEN c.starts_on AND c.ends_on
       UNION ALL
       SELECT 'time_off', NULL FROM teacher_time_off o
       WHERE u.substitute_teacher_id IS NULL AND o.teacher_id = u.teacher_id AND o.starts_at < u.ends_at AND o.ends_at > u.scheduled_at
     ) x ON true
     ORDER BY u.id, x.cause`,
    [new Date(span.start).toISOString(), new Date(span.end).toISOString(), new Date(options.now).toISOString(), options.zone],
  );
  return rows
    .sort((a, b) => a.starts - b.starts || a.id - b.id)
    .map((r) => ({
      lessonId: r.id,
      teacherId: r.teacher_id,
      studentFirstName: r.first_name,
      sharedName: r.declined ? null : r.first_name,
      startsAt: isoInZone(r.starts, options.zone),
      endsAt: isoInZone(r.ends, options.zone),
      cause: r.cause,
      closureName: r.closure_name,
      moveTo: moveTo({ lessonId: r.id, teacherId: r.teacher_id, minutes: r.minutes }),
    }));
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** The lowercase English weekday of an instant's local date. */
const weekdayOf = (ms: number, zone: string): string => WEEKDAYS[new Date(`${localDateOf(ms, zone)}T00:00:00Z`).getUTCDay()]!;

/** Waitlisted enrollments (oldest first) with free slots of accepting teachers of their instrument who have room; preferred weekday first. */
async function fitsOf(
  sql: SqlExecutor,
  teachers: readonly { id: number; instruments: string[]; room: boolean; accepting: boolean }[],
  freeStarts: (teacherId: number, minutes: number) => number[],
  zone: string,
): Promise<WaitlistFit[]> {
  const waiting = await sql.query<{ id: number; first_name: string; declined: boolean; instrument: string; minutes: number | null; day: string | null; part: string | null }>(
    `SELECT e.id, e.student_first_name AS first_name, coalesce(p.ai_processing_declined, false) AS declined, e.instrument,
            (e.submission->>'lessonDuration')::int AS minutes, e.submission->>'preferredLessonDay' AS day, e.submission->>'preferredLessonTime' AS part
     FROM enrollments e LEFT JOIN users p ON p.id = e.parent_id
     WHERE e.status = 'waitlisted' AND e.promoted_at IS NULL ORDER BY e.created_at, e.id LIMIT ${MAX_WAITLIST}`,
  );
  const fits: WaitlistFit[] = [];
  for (const e of waiting) {
    const minutes = e.minutes ?? 30;
    const open = teachers.filter((t) => t.accepting && t.room && t.instruments.includes(e.instrument));
    const starts = open.flatMap((t) => freeStarts(t.id, minutes).map((start) => ({ teacherId: t.id, start })));
    const preferred = (s: { start: number }) => (e.day !== null && weekdayOf(s.start, zone) === e.day ? 0 : 1);
    starts.sort((a, b) => preferred(a) - preferred(b) || a.start - b.start || a.teacherId - b.teacherId);
    if (starts.length === 0) continue;
    fits.push({
      enrollmentId: e.id,
      studentFirstName: e.first_name,
      sharedName: e.declined ? null : e.first_name,
      instrument: e.instrument,
      durationMinutes: minutes,
      preferredDay: e.day,
      preferredTime: e.part,
      slots: starts.slice(0, MAX_OPTIONS).map((s) => ({ teacherId: s.teacherId, startsAt: isoInZone(s.start, zone) })),
    });
  }
  return fits;
}
