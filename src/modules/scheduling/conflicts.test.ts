import { describe, expect, it } from 'vitest';
import { checkProposal } from './conflicts.js';
import type { BusyLesson, SchedulingRules, TeacherCalendar } from './types.js';

const zone = 'America/Halifax';
const at = (iso: string): number => Date.parse(iso);
const rules = (over: Partial<SchedulingRules> = {}): SchedulingRules => ({
  zone,
  bufferMinutes: 0,
  minimumNoticeHours: 24,
  now: at('2027-03-01T12:00:00-04:00'),
  ...over,
});
const lesson = (id: number, start: string, minutes: number, studentId = 1): BusyLesson => ({
  id,
  teacherId: 7,
  studentId,
  start: at(start),
  end: at(start) + minutes * 60_000,
});
const calendar = (over: Partial<TeacherCalendar> = {}): TeacherCalendar => ({
  teacherId: 7,
  hours: [{ weekday: 1, startTime: '16:00', endTime: '18:00' }],
  timeOff: [],
  lessons: [],
  ...over,
});
const kinds = (list: { kind: string }[]): string[] => list.map((c) => c.kind);
const proposal = (iso: string, durationMinutes = 30) => ({ teacherId: 7, start: at(iso), durationMinutes });

describe('checkProposal', () => {
  it('accepts a free time inside weekly hours', () => {
    expect(checkProposal(proposal('2027-03-15T16:00:00-03:00'), calendar(), [], rules())).toEqual([]);
  });

  it('reports a time in the past and a time inside the minimum notice', () => {
    expect(kinds(checkProposal(proposal('2027-02-22T16:00:00-04:00'), calendar(), [], rules()))).toEqual(['in_past']);
    const soon = rules({ now: at('2027-03-15T10:00:00-03:00') });
    const conflicts = checkProposal(proposal('2027-03-15T16:00:00-03:00'), calendar(), [], soon);
    expect(conflicts).toEqual([{ kind: 'too_soon', reason: 'Lessons must be booked at least 24 hours ahead' }]);
  });

  it('reports closures, time outside weekly hours and time off', () => {
    expect(kinds(checkProposal(proposal('2027-03-15T16:00:00-03:00'), calendar(), [{ startsOn: '2027-03-15', endsOn: '2027-03-19', name: 'March break' }], rules()))).toEqual([
      'closure',
    ]);
    expect(kinds(checkProposal(proposal('2027-03-15T17:45:00-03:00'), calendar(), [], rules()))).toEqual(['outside_hours']);
    expect(kinds(checkProposal(proposal('2027-03-16T16:00:00-03:00'), calendar(), [], rules()))).toEqual(['outside_hours']);
    const away = calendar({ timeOff: [{ start: at('2027-03-15T00:00:00-03:00'), end: at('2027-03-16T00:00:00-03:00') }] });
    expect(kinds(checkProposal(proposal('2027-03-15T16:00:00-03:00'), away, [], rules()))).toEqual(['time_off']);
  });

  it('reports teacher overlaps, buffer violations and student overlaps with the lesson in the way', () => {
    const busy = calendar({ lessons: [lesson(11, '2027-03-15T16:15:00-03:00', 30), lesson(12, '2027-03-15T17:00:00-03:00', 30)] });
    const conflicts = checkProposal(proposal('2027-03-15T16:30:00-03:00'), busy, [], rules({ bufferMinutes: 10 }));
    expect(conflicts.map((c) => [c.kind, c.lessonId])).toEqual([
      ['teacher_overlap', 11],
      ['teacher_buffer', 12],
    ]);
    expect(conflicts[0]!.reason).toBe('The teacher has a lesson from 16:15 to 16:45');
    const student = [lesson(20, '2027-03-15T15:45:00-03:00', 30, 3)];
    expect(checkProposal(proposal('2027-03-15T16:00:00-03:00'), calendar(), [], rules(), student)).toEqual([
      { kind: 'student_overlap', reason: 'The student has a lesson from 15:45 to 16:15', lessonId: 20 },
    ]);
  });

  it('allows back-to-back lessons without a buffer, and ignores the lesson being moved', () => {
    const busy = calendar({ lessons: [lesson(11, '2027-03-15T16:00:00-03:00', 30)] });
    expect(checkProposal(proposal('2027-03-15T16:30:00-03:00'), busy, [], rules())).toEqual([]);
    expect(checkProposal({ ...proposal('2027-03-15T16:15:00-03:00'), ignoreLessonId: 11 }, busy, [], rules())).toEqual([]);
  });
});
