import { LessonChip } from './LessonChip';
import type { CalendarLesson } from './types';

interface Props {
  lessons: CalendarLesson[];
  teacherIds: number[];
  nameOf: (id: number) => string;
  zone: string;
  onOpen: (lesson: CalendarLesson) => void;
}

/** A day: a column of lessons per teacher, in time order; on a phone the columns become one list. */
export function DayView({ lessons, teacherIds, nameOf, zone, onOpen }: Props) {
  if (lessons.length === 0) return <p className="muted">No lessons this day.</p>;
  return (
    <div className="calendar-day">
      {teacherIds.map((teacherId) => {
        const own = lessons.filter((lesson) => lesson.teacherId === teacherId);
        if (own.length === 0) return null;
        return (
          <section key={teacherId} aria-label={nameOf(teacherId)} className="calendar-teacher">
            <h3>{nameOf(teacherId)}</h3>
            <ul className="list">
              {own.map((lesson) => (
                <li key={lesson.id}>
                  <LessonChip lesson={lesson} zone={zone} onOpen={onOpen} />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
