import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { day } from '../../../ui/format';
import './calendar.css';
import { CalendarControls } from './CalendarControls';
import { todayIn } from './dates';
import { DayView } from './DayView';
import { LessonDetails } from './LessonDetails';
import { NewClosure } from './NewClosure';
import { useTeachers } from '../choices';
import type { CalendarLesson, CalendarView } from './types';
import { WeekView } from './WeekView';

/**
 * `/calendar`: every lesson of a day or a week by teacher, in the school's zone, with the period's
 * closures; a lesson opens its details (cancel, reschedule); a closure can be added.
 */
export default function CalendarSection() {
  const zone = useSchoolZone();
  const teachers = useTeachers();
  const [view, setView] = useState<CalendarView>('week');
  const [chosenDate, setChosenDate] = useState<string | null>(null);
  const [teacherId, setTeacherId] = useState<number | null>(null);
  const [open, setOpen] = useState<CalendarLesson | null>(null);
  const details = useRef<HTMLDivElement>(null);
  const date = chosenDate ?? todayIn(zone);

  const schedule = useQuery({
    queryKey: ['lessons', 'calendar', view, date, teacherId],
    queryFn: () => call(api.GET('/api/v1/lessons/schedule/view', { params: { query: { view, date, ...(teacherId ? { teacherId } : {}) } } })),
  });
  const period = schedule.data ? { from: schedule.data.from, to: schedule.data.to } : null;
  const closures = useQuery({
    queryKey: ['closures', period?.from, period?.to],
    enabled: period !== null,
    queryFn: () => call(api.GET('/api/v1/closures', { params: { query: { from: period!.from, to: period!.to, pageSize: 200 } } })),
  });

  const lessons = schedule.data?.days.flatMap((d) => d.lessons) ?? [];
  // Teachers with lessons in the period, in the order of the teacher list; the chosen one even without.
  const order = teachers.list.map((t) => t.id);
  const teacherIds = [...new Set([...(teacherId ? [teacherId] : []), ...lessons.map((l) => l.teacherId)])].sort(
    (a, b) => (order.indexOf(a) + 1 || Infinity) - (order.indexOf(b) + 1 || Infinity),
  );
  const periodClosures = closures.data?.data ?? [];
  const current = open ? (lessons.find((l) => l.id === open.id) ?? open) : null;
  const openLesson = (lesson: CalendarLesson) => {
    setOpen(lesson);
    requestAnimationFrame(() => details.current?.querySelector('h2')?.focus());
  };

  return (
    <>
      <h1>Calendar</h1>
      <CalendarControls
        view={view}
        date={date}
        teacherId={teacherId}
        teachers={teachers.list}
        onView={setView}
        onDate={setChosenDate}
        onTeacher={setTeacherId}
        onToday={() => setChosenDate(null)}
      />
      <Card title={schedule.data ? periodTitle(view, schedule.data.from, schedule.data.to, zone) : 'Lessons'}>
        {schedule.isPending && <Loading />}
        <ErrorNotice error={schedule.error ?? closures.error ?? teachers.query.error} />
        {periodClosures.length > 0 && (
          <ul className="closures" aria-label="Closures">
            {periodClosures.map((closure) => (
              <li key={closure.id}>
                Closed: <strong>{closure.name}</strong> (
                {closure.startsOn === closure.endsOn ? day(closure.startsOn, zone) : `${day(closure.startsOn, zone)} – ${day(closure.endsOn, zone)}`})
              </li>
            ))}
          </ul>
        )}
        {schedule.data && view === 'week' && (
          <WeekView schedule={schedule.data} closures={periodClosures} teacherIds={teacherIds} nameOf={teachers.nameOf} zone={zone} onOpen={openLesson} />
        )}
        {schedule.data && view === 'day' && <DayView lessons={lessons} teacherIds={teacherIds} nameOf={teachers.nameOf} zone={zone} onOpen={openLesson} />}
      </Card>
      <div ref={details}>{current && <LessonDetails key={current.id} lesson={current} teacherName={teachers.nameOf} zone={zone} onClose={() => setOpen(null)} />}</div>
      <NewClosure zone={zone} nameOf={teachers.nameOf} />
    </>
  );
}

/** "Week of Mon, Dec 7, 2026" or the day itself. */
function periodTitle(view: CalendarView, from: string, to: string, zone: string): string {
  return view === 'day' ? day(from, zone) : `Week of ${day(from, zone)} to ${day(to, zone)}`;
}
