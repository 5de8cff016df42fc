import type { paths } from '../../../api/schema';

/** A day or week of lessons as `GET /lessons/schedule/view` answers it. */
export type Schedule = paths['/api/v1/lessons/schedule/view']['get']['responses'][200]['content']['application/json'];
/** One lesson of the schedule, with the student's name. */
export type CalendarLesson = Schedule['days'][number]['lessons'][number];
/** One closure as `GET /closures` answers it. */
export type Closure = paths['/api/v1/closures']['get']['responses'][200]['content']['application/json']['data'][number];
/** The calendar's two views. */
export type CalendarView = 'day' | 'week';

/** The student's name of a lesson ("Student #3" when the answer has none). */
export function studentOf(lesson: CalendarLesson): string {
  return [lesson.studentFirstName, lesson.studentLastName].filter(Boolean).join(' ') || `Student #${lesson.studentId}`;
}

/** The closures covering `date` (inclusive days). */
export function closuresOn(closures: Closure[], date: string): Closure[] {
  return closures.filter((closure) => closure.startsOn <= date && date <= closure.endsOn);
}
