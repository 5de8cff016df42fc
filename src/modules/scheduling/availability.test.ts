import { describe, expect, it } from 'vitest';
import { freeSlots, nextFreeSlots, workingWindows } from './availability.js';
import type { BusyLesson, SchedulingRules, TeacherCalendar, WeeklyHours } from './types.js';

const zone = 'America/Halifax';
const at = (iso: string): number => Date.parse(iso);
const mondays: WeeklyHours[] = [{ weekday: 1, startTime: '16:00:00', endTime: '18:00:00' }];
const calendar = (over: Partial<TeacherCalendar> = {}): TeacherCalendar => ({ teacherId: 7, hours: mondays, timeOff: [], lessons: [], ...over });
const rules = (over: Partial<SchedulingRules> = {}): SchedulingRules => ({ zone, bufferMinutes: 0, minimumNoticeHours: 0, now: at('2026-01-01T00:00:00Z'), ...over });
const starts = (slots: { startsAt: string }[]): string[] => slots.map((s) => s.startsAt);
const lesson = (id: number, start: string, minutes: number, studentId = 1): BusyLesson => ({
  id,
  teacherId: 7,
  studentId,
  start: at(start),
  end: at(start) + minutes * 60_000,
});

describe('free slots across daylight-saving changes (America/Halifax)', () => {
  const query = (from: string, to: string) => ({ from: at(from), to: at(to), durationMinutes: 30, stepMinutes: 30 });

  it('keeps a Monday 16:00–18:00 block at 16:00 local around the 2026-11-01 fall back', () => {
    const slots = freeSlots(calendar(), [], rules(), query('2026-10-26T00:00:00-03:00', '2026-11-03T00:00:00-04:00'));
    expect(starts(slots)).toEqual([
      '2026-10-26T16:00:00-03:00',
      '2026-10-26T16:30:00-03:00',
      '2026-10-26T17:00:00-03:00',
      '2026-10-26T17:30:00-03:00',
      '2026-11-02T16:00:00-04:00',
      '2026-11-02T16:30:00-04:00',
      '2026-11-02T17:00:00-04:00',
      '2026-11-02T17:30:00-04:00',
    ]);
    expect(slots[0]).toEqual({ teacherId: 7, startsAt: '2026-10-26T16:00:00-03:00', endsAt: '2026-10-26T16:30:00-03:00' });
    // The same local time is a different UTC time on each side of the change.
    expect(new Date(slots[0]!.startsAt).toISOString()).toBe('2026-10-26T19:00:00.000Z');
    expect(new Date(slots[4]!.startsAt).toISOString()).toBe('2026-11-02T20:00:00.000Z');
  });

  it('keeps 16:00 local around the 2027-03-14 spring forward and the 2027-11-07 fall back', () => {
    const spring = freeSlots(calendar(), [], rules(), query('2027-03-08T00:00:00-04:00', '2027-03-16T00:00:00-03:00'));
    expect(starts(spring).filter((s) => s.includes('T16:00'))).toEqual(['2027-03-08T16:00:00-04:00', '2027-03-15T16:00:00-03:00']);
    expect(new Date(spring[0]!.startsAt).getUTCHours()).toBe(20);
    expect(new Date(spring[4]!.startsAt).getUTCHours()).toBe(19);
    const fall = freeSlots(calendar(), [], rules(), query('2027-11-01T00:00:00-03:00', '2027-11-09T00:00:00-04:00'));
    expect(starts(fall).filter((s) => s.includes('T16:00'))).toEqual(['2027-11-01T16:00:00-03:00', '2027-11-08T16:00:00-04:00']);
    expect(fall).toHaveLength(8);
  });

  it('skips the spring-forward gap: a block 01:00–04:00 on 2027-03-14 holds two real hours', () => {
    const sunday: WeeklyHours[] = [{ weekday: 7, startTime: '01:00', endTime: '04:00' }];
    const slots = freeSlots(calendar({ hours: sunday }), [], rules(), query('2027-03-14T00:00:00-04:00', '2027-03-15T00:00:00-03:00'));
    expect(starts(slots)).toEqual(['2027-03-14T01:00:00-04:00', '2027-03-14T01:30:00-04:00', '2027-03-14T03:00:00-03:00', '2027-03-14T03:30:00-03:00']);
    // A block starting inside the gap starts when the clocks jump.
    const late: WeeklyHours[] = [{ weekday: 7, startTime: '02:30', endTime: '04:00' }];
    const lateSlots = freeSlots(calendar({ hours: late }), [], rules(), query('2027-03-14T00:00:00-04:00', '2027-03-15T00:00:00-03:00'));
    expect(starts(lateSlots)).toEqual(['2027-03-14T03:00:00-03:00', '2027-03-14T03:30:00-03:00']);
  });

  it('offers both copies of the repeated hour on the 2026-11-01 fall back (four real hours in 00:00–03:00)', () => {
    const sunday: WeeklyHours[] = [{ weekday: 7, startTime: '00:00', endTime: '03:00' }];
    const slots = freeSlots(calendar({ hours: sunday }), [], rules(), query('2026-11-01T00:00:00-03:00', '2026-11-02T00:00:00-04:00'));
    expect(starts(slots)).toEqual([
      '2026-11-01T00:00:00-03:00',
      '2026-11-01T00:30:00-03:00',
      '2026-11-01T01:00:00-03:00',
      '2026-11-01T01:30:00-03:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:30:00-04:00',
      '2026-11-01T02:00:00-04:00',
      '2026-11-01T02:30:00-04:00',
    ]);
  });
});

describe('free slots and the school rules', () => {
  const monday = { from: at('2027-03-15T00:00:00-03:00'), to: at('2027-03-16T00:00:00-03:00'), durationMinutes: 30 };

  it('uses a 15-minute grid by default and keeps the whole lesson inside the block', () => {
    const slots = freeSlots(calendar(), [], rules(), monday);
    expect(slots).toHaveLength(7); // 16:00 … 17:30
    expect(slots.at(-1)).toEqual({ teacherId: 7, startsAt: '2027-03-15T17:30:00-03:00', endsAt: '2027-03-15T18:00:00-03:00' });
  });

  it('keeps the buffer after existing lessons, and before them for the new one', () => {
    const busy = calendar({ lessons: [lesson(1, '2027-03-15T16:45:00-03:00', 30)] });
    expect(starts(freeSlots(busy, [], rules(), monday))).toEqual([
      '2027-03-15T16:00:00-03:00',
      '2027-03-15T16:15:00-03:00',
      '2027-03-15T17:15:00-03:00',
      '2027-03-15T17:30:00-03:00',
    ]);
    expect(starts(freeSlots(busy, [], rules({ bufferMinutes: 15 }), monday))).toEqual(['2027-03-15T16:00:00-03:00', '2027-03-15T17:30:00-03:00']);
  });

  it('applies the minimum notice from the injected now', () => {
    const now = at('2027-03-15T16:10:00-03:00');
    expect(starts(freeSlots(calendar(), [], rules({ now, minimumNoticeHours: 1 }), monday))).toEqual(['2027-03-15T17:15:00-03:00', '2027-03-15T17:30:00-03:00']);
    expect(freeSlots(calendar(), [], rules({ now, minimumNoticeHours: 24 }), monday)).toEqual([]);
    expect(freeSlots(calendar(), [], rules({ now: at('2027-03-15T18:00:00-03:00') }), monday)).toEqual([]);
  });

  it('skips closures (local dates) and time off (instants)', () => {
    expect(freeSlots(calendar(), [{ startsOn: '2027-03-13', endsOn: '2027-03-15' }], rules(), monday)).toEqual([]);
    const away = calendar({ timeOff: [{ start: at('2027-03-15T15:00:00-03:00'), end: at('2027-03-15T17:00:00-03:00') }] });
    expect(starts(freeSlots(away, [], rules(), monday))[0]).toBe('2027-03-15T17:00:00-03:00');
  });

  it("skips the student's own lessons and ignores the lesson being moved", () => {
    const student = [lesson(9, '2027-03-15T16:00:00-03:00', 60, 3)];
    expect(starts(freeSlots(calendar(), [], rules(), { ...monday, studentLessons: student }))[0]).toBe('2027-03-15T17:00:00-03:00');
    expect(freeSlots(calendar(), [], rules(), { ...monday, studentLessons: student, ignoreLessonId: 9 })).toHaveLength(7);
  });

  it('merges touching blocks and reads time strings with or without seconds', () => {
    const hours: WeeklyHours[] = [
      { weekday: 1, startTime: '14:00', endTime: '15:00:00' },
      { weekday: 1, startTime: '15:00', endTime: '16:00' },
    ];
    const windows = workingWindows(hours, [], zone, monday.from, monday.to);
    expect(windows).toEqual([{ start: at('2027-03-15T14:00:00-03:00'), end: at('2027-03-15T16:00:00-03:00') }]);
  });
});

describe('next free slots (alternatives)', () => {
  it('returns the next N slots after the requested time, across weeks', () => {
    const busy = calendar({ lessons: [lesson(1, '2027-03-15T16:00:00-03:00', 90)] });
    const slots = nextFreeSlots(busy, [], rules(), { after: at('2027-03-15T16:00:00-03:00'), durationMinutes: 30, count: 3 });
    expect(starts(slots)).toEqual(['2027-03-15T17:30:00-03:00', '2027-03-22T16:00:00-03:00', '2027-03-22T16:15:00-03:00']);
  });

  it('returns fewer when the horizon runs out', () => {
    expect(nextFreeSlots(calendar({ hours: [] }), [], rules(), { after: 0, durationMinutes: 30, count: 5 })).toEqual([]);
  });
});
