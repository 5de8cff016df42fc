// Plain data the pure scheduling functions work on. Instants are epoch milliseconds (UTC);
// wall-clock values (weekly hours, closure dates) are read in `zone`, the school's IANA zone.

/** One block of a teacher's weekly hours: ISO weekday (1 = Monday … 7 = Sunday), local 'HH:MM[:SS]'. */
export interface WeeklyHours {
  weekday: number;
  startTime: string;
  endTime: string;
}

/** A half-open span of time [start, end), epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

/** A closure of the school: inclusive local dates 'YYYY-MM-DD'. */
export interface DateRange {
  startsOn: string;
  endsOn: string;
  name?: string;
}

/** An existing lesson that occupies time (status scheduled or completed). */
export interface BusyLesson extends Interval {
  id: number;
  teacherId: number;
  studentId: number;
}

/** Everything known about one teacher's time. */
export interface TeacherCalendar {
  teacherId: number;
  hours: readonly WeeklyHours[];
  timeOff: readonly Interval[];
  /** The teacher's non-cancelled lessons around the range of interest. */
  lessons: readonly BusyLesson[];
}

/** The school's rules and the current instant (injected; the functions never read the clock). */
export interface SchedulingRules {
  zone: string;
  /** Gap kept free after each of the teacher's lessons. */
  bufferMinutes: number;
  /** Earliest start, hours after `now`; 0 disables it. */
  minimumNoticeHours: number;
  now: number;
}

/** A free slot as the API returns it: ISO 8601 instants with the school's UTC offset. */
export interface Slot {
  teacherId: number;
  startsAt: string;
  endsAt: string;
}
