import type { SqlExecutor } from '../../db/sql-client.js';
import type { BusyLesson, DateRange, Interval, TeacherCalendar, WeeklyHours } from '../scheduling/types.js';

const MINUTE = 60_000;
/** Longest lesson (the duration CHECK): a lesson that overlaps a range starts at most this long before it. */
const LONGEST_LESSON_MINUTES = 120;

/** What the scheduling functions need from the database for some teachers (and a student) around a range. */
export interface SchedulingData {
  /** Calendars of the teachers that exist, by id. */
  calendars: Map<number, TeacherCalendar>;
  closures: DateRange[];
  /** The student's non-cancelled lessons (with any teacher); empty without a student. */
  studentLessons: BusyLesson[];
  /** Whether the student exists (true when none was asked for). */
  studentExists: boolean;
}

interface Row {
  teachers: number[];
  hours: (WeeklyHours & { teacherId: number })[];
  time_off: (Interval & { teacherId: number })[];
  closures: DateRange[];
  /** The teachers' own lessons and the lessons they cover as a substitute. */
  teacher_lessons: (BusyLesson & { substituteTeacherId: number | null })[];
  student_lessons: BusyLesson[];
  student_exists: boolean;
}

const lessonJson = `json_build_object('id', id, 'teacherId', teacher_id, 'studentId', student_id, 'substituteTeacherId', substitute_teacher_id,
  'start', (extract(epoch FROM scheduled_at) * 1000)::float8, 'end', (extract(epoch FROM ends_at) * 1000)::float8)`;
const overlapping = `status IN ('scheduled', 'completed') AND tstzrange(scheduled_at, ends_at, '[)') && tstzrange($2, $3, '[)')`;

// One round trip. The lesson filters match the exclusion constraints' GiST indexes
// (teacher_id / student_id with the tstzrange), so they stay fast on a year of lessons.
const query = `SELECT
  (SELECT coalesce(array_agg(id), '{}') FROM teachers WHERE id = ANY($1::int[])) AS teachers,
  (SELECT coalesce(json_agg(json_build_object('teacherId', teacher_id, 'weekday', weekday,
      'startTime', start_time::text, 'endTime', end_time::text)), '[]') FROM teacher_availability
    WHERE teacher_id = ANY($1::int[])) AS hours,
  (SELECT coalesce(json_agg(json_build_object('teacherId', teacher_id,
      'start', (extract(epoch FROM starts_at) * 1000)::float8, 'end', (extract(epoch FROM ends_at) * 1000)::float8)), '[]')
    FROM teacher_time_off WHERE teacher_id = ANY($1::int[]) AND starts_at < $3 AND ends_at > $2) AS time_off,
  (SELECT coalesce(json_agg(json_build_object('name', name, 'startsOn', starts_on, 'endsOn', ends_on)), '[]')
    FROM closures WHERE starts_on <= $3::timestamptz::date + 1 AND ends_on >= $2::timestamptz::date - 1) AS closures,
  (SELECT coalesce(json_agg(${lessonJson}), '[]') FROM lessons
    WHERE (teacher_id = ANY($1::int[]) OR substitute_teacher_id = ANY($1::int[])) AND ${overlapping}) AS teacher_lessons,
  (SELECT coalesce(json_agg(${lessonJson}), '[]') FROM lessons WHERE student_id = $4 AND ${overlapping}) AS student_lessons,
  ($4::int IS NULL OR EXISTS (SELECT 1 FROM students WHERE id = $4)) AS student_exists`;

/**
 * Loads weekly hours, time off, closures and blocking lessons (their own, and those they cover as a
 * substitute) for `teacherIds` (and `studentId`)
 * overlapping [from, to) widened by the buffer and the longest lesson. Runs as the database owner,
 * not the caller: free time depends on every family's lessons, and only intervals come back.
 */
export async function loadSchedulingData(
  sql: SqlExecutor,
  options: { teacherIds: readonly number[]; studentId?: number | undefined; from: number; to: number; bufferMinutes: number },
): Promise<SchedulingData> {
  const pad = (options.bufferMinutes + LONGEST_LESSON_MINUTES) * MINUTE;
  const [row] = await sql.query<Row>(query, [options.teacherIds, new Date(options.from - pad).toISOString(), new Date(options.to + pad).toISOString(), options.studentId ?? null]);
  if (!row) throw new Error('loadSchedulingData: no row');
  const calendars = new Map<number, { teacherId: number; hours: WeeklyHours[]; timeOff: Interval[]; lessons: BusyLesson[] }>();
  for (const id of row.teachers) calendars.set(id, { teacherId: id, hours: [], timeOff: [], lessons: [] });
  for (const block of row.hours) calendars.get(block.teacherId)?.hours.push(block);
  for (const off of row.time_off) calendars.get(off.teacherId)?.timeOff.push(off);
  for (const { substituteTeacherId, ...lesson } of row.teacher_lessons) {
    // A covered lesson keeps its own teacher busy (the slot stays theirs) and makes the substitute busy.
    calendars.get(lesson.teacherId)?.lessons.push(lesson);
    if (substituteTeacherId !== null) calendars.get(substituteTeacherId)?.lessons.push(lesson);
  }
  return { calendars, closures: row.closures, studentLessons: row.student_lessons, studentExists: row.student_exists };
}
