/**
 * Teacher assignment, as the brief scores it (AssignTeacherNode._select_best_teacher), as pure
 * functions over plain data:
 *
 * - the instrument is required (+10; a teacher who does not teach it is not a candidate);
 * - the preferred day: +5 when the teacher has weekly hours that day;
 * - the preferred time: +3 when those hours (on the preferred day, or on any day when no day was
 *   preferred) overlap the part of the day by at least one lesson;
 * - load: + 5 × (1 − active students ÷ capacity), so the least loaded teacher wins a tie;
 * - a preferred teacher wins whenever they are free (teach the instrument, accept students, have room).
 *
 * Only free teachers are ranked; ties go to the lower load, then by teacher id (rotated per enrollment).
 */
import type { WeeklyHours } from '../scheduling/types.js';
import { minutesOfTime } from '../scheduling/local-time.js';
import type { DayPart, LessonDay } from './schemas.js';

/** Local hours of each part of the day, minutes after midnight, [start, end). */
export const DAY_PARTS: Readonly<Record<DayPart, { start: number; end: number }>> = {
  morning: { start: 8 * 60, end: 12 * 60 },
  afternoon: { start: 12 * 60, end: 17 * 60 },
  evening: { start: 17 * 60, end: 21 * 60 },
};

/** ISO weekday (1 = Monday) of each lesson day. */
export const WEEKDAY_OF: Readonly<Record<LessonDay, number>> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

/** Points of each criterion. */
export const SCORE = { instrument: 10, day: 5, time: 3, load: 5 } as const;

/** What scoring needs to know about one teacher. */
export interface TeacherCandidate {
  teacherId: number;
  instruments: readonly string[];
  /** The teacher is available for new students and their account is active. */
  accepting: boolean;
  activeStudents: number;
  maxStudents: number;
  /** Weekly hours, school-local. */
  hours: readonly WeeklyHours[];
}

export interface AssignmentPreferences {
  instrument: string;
  durationMinutes: number;
  preferredTeacherId?: number | undefined;
  preferredDay?: LessonDay | undefined;
  preferredTime?: DayPart | undefined;
}

export interface RankedTeacher {
  teacherId: number;
  score: number;
  /** The family asked for this teacher. */
  preferred: boolean;
  load: number;
}

/** Free: teaches the instrument, accepts students, and has room. */
export function isFree(teacher: TeacherCandidate, instrument: string): boolean {
  return teacher.accepting && teacher.instruments.includes(instrument) && teacher.activeStudents < teacher.maxStudents;
}

/** Whether some block of `hours` (on `weekday`, or any day) overlaps `part` by at least `durationMinutes`. */
export function coversDayPart(hours: readonly WeeklyHours[], part: DayPart, durationMinutes: number, weekday?: number): boolean {
  const { start, end } = DAY_PARTS[part];
  return hours.some((block) => {
    if (weekday !== undefined && block.weekday !== weekday) return false;
    const overlap = Math.min(minutesOfTime(block.endTime), end) - Math.max(minutesOfTime(block.startTime), start);
    return overlap >= durationMinutes;
  });
}

/** The brief's score of one teacher, or null when the teacher is not free for this instrument. */
export function scoreTeacher(teacher: TeacherCandidate, prefs: AssignmentPreferences): number | null {
  if (!isFree(teacher, prefs.instrument)) return null;
  let score = SCORE.instrument;
  const weekday = prefs.preferredDay ? WEEKDAY_OF[prefs.preferredDay] : undefined;
  const worksThatDay = weekday !== undefined && teacher.hours.some((block) => block.weekday === weekday);
  if (worksThatDay) score += SCORE.day;
  if (prefs.preferredTime && (weekday === undefined || worksThatDay) && coversDayPart(teacher.hours, prefs.preferredTime, prefs.durationMinutes, weekday)) {
    score += SCORE.time;
  }
  return score + (1 - teacher.activeStudents / teacher.maxStudents) * SCORE.load;
}

const EPSILON = 1e-9;

/**
 * Free teachers, best first: the preferred teacher (when free), then by score, then load. Teachers
 * equally good (same score and load) come by id, rotated by `rotate` (the enrollment id), so that
 * enrollments made at the same moment spread over them instead of queueing for one.
 */
export function rankTeachers(candidates: readonly TeacherCandidate[], prefs: AssignmentPreferences, rotate = 0): RankedTeacher[] {
  const ranked: RankedTeacher[] = [];
  for (const teacher of candidates) {
    const score = scoreTeacher(teacher, prefs);
    if (score === null) continue;
    ranked.push({ teacherId: teacher.teacherId, score, preferred: teacher.teacherId === prefs.preferredTeacherId, load: teacher.activeStudents / teacher.maxStudents });
  }
  ranked.sort((a, b) => Number(b.preferred) - Number(a.preferred) || b.score - a.score || a.load - b.load || a.teacherId - b.teacherId);
  const tied = (a: RankedTeacher, b: RankedTeacher): boolean => a.preferred === b.preferred && Math.abs(a.score - b.score) < EPSILON && Math.abs(a.load - b.load) < EPSILON;
  const result: RankedTeacher[] = [];
  for (let start = 0; start < ranked.length; ) {
    let end = start + 1;
    while (end < ranked.length && tied(ranked[start]!, ranked[end]!)) end += 1;
    const group = ranked.slice(start, end);
    const shift = Math.abs(Math.trunc(rotate)) % group.length;
    result.push(...group.slice(shift), ...group.slice(0, shift));
    start = end;
  }
  return result;
}
