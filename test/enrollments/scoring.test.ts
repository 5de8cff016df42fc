/** The pure parts: the brief's teacher scoring, the demo slot choice, the age rule. */
import { describe, expect, it } from 'vitest';
import { rankTeachers, scoreTeacher, SCORE, type TeacherCandidate } from '../../src/modules/enrollments/scoring.js';
import { chooseDemoStart, localClock } from '../../src/modules/enrollments/slots.js';
import { rejectionsOf, TOO_YOUNG } from '../../src/modules/enrollments/workflows/validate.js';
import type { Submission } from '../../src/modules/enrollments/schemas.js';

const weekdays = (span: [string, string], days = [1, 2, 3, 4, 5, 6]) => days.map((weekday) => ({ weekday, startTime: span[0], endTime: span[1] }));
const teacher = (teacherId: number, over: Partial<TeacherCandidate> = {}): TeacherCandidate => ({
  teacherId,
  instruments: ['piano'],
  accepting: true,
  activeStudents: 0,
  maxStudents: 10,
  hours: weekdays(['09:00', '20:00']),
  ...over,
});
const piano = { instrument: 'piano', durationMinutes: 30 };

describe('scoreTeacher (the brief: instrument 10, day 5, time 3, load × 5)', () => {
  it('adds the points of each criterion', () => {
    expect(scoreTeacher(teacher(1), piano)).toBe(SCORE.instrument + SCORE.load);
    expect(scoreTeacher(teacher(1, { activeStudents: 5 }), piano)).toBe(10 + 2.5);
    expect(scoreTeacher(teacher(1), { ...piano, preferredDay: 'monday' })).toBe(10 + 5 + 5);
    expect(scoreTeacher(teacher(1), { ...piano, preferredDay: 'monday', preferredTime: 'evening' })).toBe(10 + 5 + 3 + 5);
    expect(scoreTeacher(teacher(1), { ...piano, preferredTime: 'morning' })).toBe(10 + 3 + 5);
  });

  it('gives no day or time points for hours on other days or outside the part of the day', () => {
    const mornings = teacher(1, { hours: weekdays(['08:00', '11:00'], [2]) });
    expect(scoreTeacher(mornings, { ...piano, preferredDay: 'monday', preferredTime: 'morning' })).toBe(10 + 5);
    expect(scoreTeacher(mornings, { ...piano, preferredDay: 'tuesday', preferredTime: 'evening' })).toBe(10 + 5 + 5);
    // 16:45–17:15 overlaps the evening (from 17:00) by 15 minutes only: not enough for 30
    const late = teacher(1, { hours: weekdays(['16:45', '17:15'], [3]) });
    expect(scoreTeacher(late, { ...piano, preferredDay: 'wednesday', preferredTime: 'evening' })).toBe(10 + 5 + 5);
    expect(scoreTeacher(late, { ...piano, durationMinutes: 15, preferredDay: 'wednesday', preferredTime: 'evening' })).toBe(10 + 5 + 3 + 5);
  });

  it('is null for a teacher who is not free: other instrument, not accepting, full', () => {
    expect(scoreTeacher(teacher(1, { instruments: ['guitar'] }), piano)).toBeNull();
    expect(scoreTeacher(teacher(1, { accepting: false }), piano)).toBeNull();
    expect(scoreTeacher(teacher(1, { activeStudents: 10 }), piano)).toBeNull();
  });
});

describe('rankTeachers', () => {
  it('prefers the lowest load when scores tie on day and time, then the lower id', () => {
    const ranked = rankTeachers([teacher(1, { activeStudents: 6 }), teacher(2, { activeStudents: 2 }), teacher(3, { activeStudents: 2 })], piano);
    expect(ranked.map((r) => r.teacherId)).toEqual([2, 3, 1]);
  });

  it('rotates equally good teachers by the enrollment id, so simultaneous enrollments spread', () => {
    const equal = [teacher(1), teacher(2), teacher(3), teacher(4, { activeStudents: 1 })];
    expect(rankTeachers(equal, piano, 0).map((r) => r.teacherId)).toEqual([1, 2, 3, 4]);
    expect(rankTeachers(equal, piano, 1).map((r) => r.teacherId)).toEqual([2, 3, 1, 4]);
    expect(rankTeachers(equal, piano, 5).map((r) => r.teacherId)).toEqual([3, 1, 2, 4]);
    const firsts = new Set([10, 11, 12].map((id) => rankTeachers(equal, piano, id)[0]!.teacherId));
    expect(firsts).toEqual(new Set([1, 2, 3]));
  });

  it('puts the teacher who works the preferred day and time before a less loaded one who does not (20.5 > 20)', () => {
    const busyEvenings = teacher(1, { activeStudents: 5, hours: weekdays(['16:00', '21:00'], [4]) });
    const idleMornings = teacher(2, { activeStudents: 0, hours: weekdays(['08:00', '12:00'], [4]) });
    expect(rankTeachers([idleMornings, busyEvenings], { ...piano, preferredDay: 'thursday', preferredTime: 'evening' }).map((r) => r.teacherId)).toEqual([1, 2]);
  });

  it('lets a free preferred teacher win, and ignores a preferred teacher who is not free', () => {
    const prefs = { ...piano, preferredDay: 'monday' as const, preferredTeacherId: 3 };
    expect(rankTeachers([teacher(1), teacher(3, { activeStudents: 9, hours: weekdays(['09:00', '12:00'], [6]) })], prefs)[0]).toMatchObject({ teacherId: 3, preferred: true });
    expect(rankTeachers([teacher(1), teacher(3, { activeStudents: 10 })], prefs).map((r) => r.teacherId)).toEqual([1]);
  });

  it('returns nobody when no teacher is free', () => {
    expect(rankTeachers([teacher(1, { instruments: ['voice'] }), teacher(2, { accepting: false })], piano)).toEqual([]);
  });
});

describe('chooseDemoStart', () => {
  const zone = 'America/Halifax';
  // Local instants in Halifax (UTC−3 in June 2030): Mon 3 June … Sat 8 June.
  const at = (day: number, hh: number, mm = 0): number => Date.UTC(2030, 5, day, hh + 3, mm);
  const starts = [at(3, 10), at(3, 18), at(5, 9), at(8, 10), at(8, 17)];

  it('reads local weekday and time', () => {
    expect(localClock(at(8, 10, 30), zone)).toEqual({ weekday: 6, minutes: 10 * 60 + 30 });
  });

  it('takes the first start that fits both the day and the time, else the day, else the time, else the first', () => {
    expect(chooseDemoStart(starts, { day: 'saturday', time: 'evening', durationMinutes: 30 }, zone)).toEqual({ start: at(8, 17), fits: { day: true, time: true } });
    expect(chooseDemoStart(starts, { day: 'wednesday', time: 'evening', durationMinutes: 30 }, zone)).toEqual({ start: at(5, 9), fits: { day: true, time: false } });
    expect(chooseDemoStart(starts, { day: 'friday', time: 'evening', durationMinutes: 30 }, zone)).toEqual({ start: at(3, 18), fits: { day: false, time: true } });
    expect(chooseDemoStart(starts, { day: 'friday', durationMinutes: 30 }, zone)).toEqual({ start: at(3, 10), fits: { day: false, time: false } });
    expect(chooseDemoStart(starts, { durationMinutes: 30 }, zone)).toEqual({ start: at(3, 10), fits: { day: false, time: false } });
    expect(chooseDemoStart([], { day: 'monday', durationMinutes: 30 }, zone)).toBeUndefined();
  });

  it('needs the whole lesson inside the part of the day', () => {
    expect(chooseDemoStart([at(3, 11, 30), at(4, 9)], { time: 'morning', durationMinutes: 45 }, zone)?.start).toBe(at(4, 9));
  });
});

describe('rejectionsOf', () => {
  const sub = { studentDateOfBirth: '2020-06-02', instrument: 'piano', agreedToTerms: true } as Submission;
  const ctx = { today: '2025-06-01', instruments: ['piano'], account: undefined };

  it('rejects a student who is not 5 yet, by the calendar', () => {
    expect(rejectionsOf(sub, ctx)).toEqual([{ code: 'too_young', message: TOO_YOUNG }]);
    expect(rejectionsOf(sub, { ...ctx, today: '2025-06-02' })).toEqual([]);
  });

  it('rejects an instrument no longer offered, terms not accepted, and a staff or deactivated account e-mail', () => {
    const codes = (over: Partial<Submission>, account?: { role: string; isActive: boolean }) =>
      rejectionsOf({ ...sub, studentDateOfBirth: '2015-01-01', ...over }, { ...ctx, account }).map((r) => r.code);
    expect(codes({ instrument: 'harp' })).toEqual(['instrument_not_offered']);
    expect(codes({ agreedToTerms: false })).toEqual(['terms_not_accepted']);
    expect(codes({}, { role: 'teacher', isActive: true })).toEqual(['parent_email_in_use']);
    expect(codes({}, { role: 'parent', isActive: false })).toEqual(['parent_account_inactive']);
    expect(codes({}, { role: 'parent', isActive: true })).toEqual([]);
  });
});
