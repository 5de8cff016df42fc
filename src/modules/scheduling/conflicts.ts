import { earliestStart, workingWindows } from './availability.js';
import { isoInZone, localDateOf } from './local-time.js';
import type { BusyLesson, DateRange, Interval, SchedulingRules, TeacherCalendar } from './types.js';

const MINUTE = 60_000;

export const conflictKinds = ['in_past', 'too_soon', 'closure', 'outside_hours', 'time_off', 'teacher_overlap', 'teacher_buffer', 'student_overlap'] as const;
export type ConflictKind = (typeof conflictKinds)[number];

/** One reason a proposed lesson cannot be booked; `lessonId` names the lesson in the way, if any. */
export interface Conflict {
  kind: ConflictKind;
  reason: string;
  lessonId?: number;
}

export interface Proposal {
  teacherId: number;
  start: number;
  durationMinutes: number;
  /** A lesson being moved does not conflict with itself. */
  ignoreLessonId?: number;
}

const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

/**
 * Every rule a proposed lesson breaks, in a stable order: in the past / too soon (minimum notice),
 * on a closure, outside the teacher's weekly hours, during time off, overlapping (or inside the
 * buffer of) the teacher's lessons, overlapping the student's lessons. Empty when it can be booked.
 */
export function checkProposal(
  proposal: Proposal,
  calendar: TeacherCalendar,
  closures: readonly DateRange[],
  rules: SchedulingRules,
  studentLessons: readonly BusyLesson[] = [],
): Conflict[] {
  const { zone } = rules;
  const lesson: Interval = { start: proposal.start, end: proposal.start + proposal.durationMinutes * MINUTE };
  const at = (ms: number): string => isoInZone(ms, zone).slice(11, 16);
  const conflicts: Conflict[] = [];

  if (lesson.start <= rules.now) {
    conflicts.push({ kind: 'in_past', reason: 'The lesson would start in the past' });
  } else if (lesson.start < earliestStart(rules)) {
    conflicts.push({ kind: 'too_soon', reason: `Lessons must be booked at least ${rules.minimumNoticeHours} hours ahead` });
  }

  const firstDay = localDateOf(lesson.start, zone);
  const lastDay = localDateOf(lesson.end - 1, zone);
  const closure = closures.find((c) => c.startsOn <= lastDay && firstDay <= c.endsOn);
  if (closure) {
    const name = closure.name ? ` (${closure.name})` : '';
    conflicts.push({ kind: 'closure', reason: `The school is closed${name} from ${closure.startsOn} to ${closure.endsOn}` });
  }

  const windows = workingWindows(calendar.hours, [], zone, lesson.start, lesson.end);
  if (!windows.some((w) => w.start <= lesson.start && lesson.end <= w.end)) {
    conflicts.push({ kind: 'outside_hours', reason: `Outside the teacher's weekly hours on ${firstDay}` });
  }

  for (const off of calendar.timeOff) {
    if (overlaps(lesson, off)) {
      conflicts.push({ kind: 'time_off', reason: `The teacher is away from ${isoInZone(off.start, zone)} to ${isoInZone(off.end, zone)}` });
    }
  }

  const buffer = rules.bufferMinutes * MINUTE;
  for (const other of calendar.lessons) {
    if (other.id === proposal.ignoreLessonId) continue;
    if (overlaps(lesson, other)) {
      conflicts.push({ kind: 'teacher_overlap', reason: `The teacher has a lesson from ${at(other.start)} to ${at(other.end)}`, lessonId: other.id });
    } else if (buffer > 0 && overlaps({ start: lesson.start - buffer, end: lesson.end + buffer }, other)) {
      conflicts.push({
        kind: 'teacher_buffer',
        reason: `The teacher needs ${rules.bufferMinutes} minutes between lessons (one from ${at(other.start)} to ${at(other.end)})`,
        lessonId: other.id,
      });
    }
  }

  for (const other of studentLessons) {
    if (other.id === proposal.ignoreLessonId || !overlaps(lesson, other)) continue;
    conflicts.push({ kind: 'student_overlap', reason: `The student has a lesson from ${at(other.start)} to ${at(other.end)}`, lessonId: other.id });
  }
  return conflicts;
}
