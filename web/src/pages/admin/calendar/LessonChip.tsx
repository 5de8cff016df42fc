import { time } from '../../../ui/format';
import { type CalendarLesson, studentOf } from './types';

/** A lesson in the calendar: its time, student and length; opens its details when pressed. */
export function LessonChip({ lesson, zone, onOpen }: { lesson: CalendarLesson; zone: string; onOpen: (lesson: CalendarLesson) => void }) {
  return (
    <button type="button" className={`lesson-chip ${lesson.status}`} onClick={() => onOpen(lesson)}>
      <span className="lesson-time">{time(lesson.scheduledAt, zone)}</span> {studentOf(lesson)}{' '}
      <span className="muted">
        · {lesson.durationMinutes} min{lesson.lessonType !== 'regular' ? ` · ${lesson.lessonType}` : ''}
      </span>
      {lesson.status !== 'scheduled' && <span className="badge">{lesson.status}</span>}
    </button>
  );
}
