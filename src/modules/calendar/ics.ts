import ical, { ICalEventStatus } from 'ical-generator';

/** A lesson as a calendar feed shows it: times, status, who; never notes or contact details. */
export interface FeedLesson {
  id: number;
  scheduledAt: Date;
  endsAt: Date;
  updatedAt: Date;
  status: string;
  lessonType: string;
  instrument: string;
  studentName: string;
  teacherName: string;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The school as a feed shows it (the `school` setting): the calendar's name, each event's organizer. */
export interface FeedSchool {
  name: string;
  /** The organizer's address; no ORGANIZER line when empty. */
  email: string;
}

/**
 * The iCalendar text of a feed, named after the school (X-WR-CALNAME "<school>: my lessons" or
 * "<school>: family lessons"; each event "<Instrument> lesson: … · <school>", organized by the
 * school). Instants are written in UTC (DTSTART:…Z), which every calendar converts to its own
 * zone; cancelled and moved lessons stay as STATUS:CANCELLED so subscribed calendars drop them.
 * `audience` picks the wording: a teacher sees the student, a family the teacher.
 */
export function feedCalendar(options: { school: FeedSchool; audience: 'teacher' | 'parent'; lessons: readonly FeedLesson[]; stamp: Date }): string {
  const { school } = options;
  const name = `${school.name}: ${options.audience === 'teacher' ? 'my lessons' : 'family lessons'}`;
  const calendar = ical({ name, prodId: { company: 'Cedar Heights', product: 'lessons', language: 'EN' }, ttl: 60 * 60 });
  const organizer = school.email ? { name: school.name, email: school.email } : null;
  for (const lesson of options.lessons) {
    const kind = lesson.lessonType === 'regular' ? 'lesson' : `${lesson.lessonType} lesson`;
    const who = options.audience === 'teacher' ? lesson.studentName : `${lesson.studentName} with ${lesson.teacherName}`;
    const live = lesson.status === 'scheduled' || lesson.status === 'completed';
    calendar.createEvent({
      id: `lesson-${lesson.id}@cedar-heights`,
      start: lesson.scheduledAt,
      end: lesson.endsAt,
      stamp: options.stamp,
      lastModified: lesson.updatedAt,
      summary: `${capitalise(lesson.instrument)} ${kind}: ${who}${live ? '' : ' (cancelled)'} · ${school.name}`,
      organizer,
      status: live ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    });
  }
  return calendar.toString();
}
