import { shortDay } from './dates';
import { LessonChip } from './LessonChip';
import { type CalendarLesson, type Closure, closuresOn, type Schedule } from './types';

interface Props {
  schedule: Schedule;
  closures: Closure[];
  teacherIds: number[];
  nameOf: (id: number) => string;
  zone: string;
  onOpen: (lesson: CalendarLesson) => void;
}

/**
 * A week as a table: one row per teacher, one column per day (closed days marked). On a phone the
 * table collapses: each teacher's days follow one another, empty days left out.
 */
export function WeekView({ schedule, closures, teacherIds, nameOf, zone, onOpen }: Props) {
  if (teacherIds.length === 0) return <p className="muted">No lessons this week.</p>;
  return (
    <table className="calendar-week">
      <caption className="visually-hidden">Lessons of the week by teacher</caption>
      <thead>
        <tr>
          <th scope="col">Teacher</th>
          {schedule.days.map((day) => (
            <th scope="col" key={day.date} className={closuresOn(closures, day.date).length > 0 ? 'closed' : undefined}>
              {shortDay(day.date)}
              {closuresOn(closures, day.date).map((closure) => (
                <span key={closure.id} className="closed-label">
                  Closed: {closure.name}
                </span>
              ))}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {teacherIds.map((teacherId) => (
          <tr key={teacherId}>
            <th scope="row">{nameOf(teacherId)}</th>
            {schedule.days.map((day) => {
              const lessons = day.lessons.filter((lesson) => lesson.teacherId === teacherId);
              const closed = closuresOn(closures, day.date).length > 0;
              return (
                <td key={day.date} data-day={shortDay(day.date)} className={[closed ? 'closed' : '', lessons.length === 0 ? 'empty' : ''].join(' ').trim() || undefined}>
                  {lessons.map((lesson) => (
                    <LessonChip key={lesson.id} lesson={lesson} zone={zone} onOpen={onOpen} />
                  ))}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
