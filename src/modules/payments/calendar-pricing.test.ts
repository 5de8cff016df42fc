/**
 * The prorating arithmetic of a subscription period: which lessons of the calendar are charged and
 * at what price (integer cents), with closures, cancellations by the school or by the family,
 * lessons that are not regular ones, and a daylight-saving change in the period.
 */
import { describe, expect, it } from 'vitest';
import { pricePeriod, type CandidateLesson } from './calendar-pricing.js';

const zone = 'America/Halifax';
const rule = { zone, lessonCents: { '30': 4500, '45': 6000, '60': 7500 }, fallbackCents: 5000 };
/** November 2027 in Halifax: DST ends on Sunday 7 November (UTC−3 before, UTC−4 after). */
const november = { start: new Date('2027-11-01T03:00:00Z'), end: new Date('2027-12-01T04:00:00Z') };

let next = 1;
const lesson = (scheduledAt: string, extra: Partial<CandidateLesson> = {}): CandidateLesson => ({
  id: next++,
  scheduledAt: new Date(scheduledAt),
  durationMinutes: 30,
  lessonType: 'regular',
  status: 'scheduled',
  cancelledBy: null,
  ...extra,
});

/** Mondays at 16:00 Halifax time in November 2027: 19:00Z before the change, 20:00Z after. */
const mondays = () => [
  lesson('2027-11-01T19:00:00Z'),
  lesson('2027-11-08T20:00:00Z'),
  lesson('2027-11-15T20:00:00Z'),
  lesson('2027-11-22T20:00:00Z'),
  lesson('2027-11-29T20:00:00Z'),
];

describe('pricePeriod', () => {
  it('charges every scheduled regular lesson of the period at the price of its length', () => {
    const lessons = mondays();
    const priced = pricePeriod(lessons, [], november, rule);
    expect(priced.amountCents).toBe(5 * 4500);
    expect(priced.lessons.map((l) => l.lessonId)).toEqual(lessons.map((l) => l.id));
    expect(priced.excluded).toEqual([]);
  });

  it('counts the lessons on both sides of the daylight-saving change, and only those inside the period', () => {
    const before = lesson('2027-10-25T19:00:00Z');
    const after = lesson('2027-12-06T20:00:00Z');
    const lessons = [before, ...mondays(), after];
    const priced = pricePeriod(lessons, [], november, rule);
    expect(priced.lessons).toHaveLength(5);
    expect(priced.lessons.map((l) => l.lessonId)).not.toContain(before.id);
    expect(priced.lessons.map((l) => l.lessonId)).not.toContain(after.id);
    // the period's start is included, its end is not
    const edge = pricePeriod([lesson('2027-11-01T03:00:00Z'), lesson('2027-12-01T04:00:00Z')], [], november, rule);
    expect(edge.lessons).toHaveLength(1);
  });

  it('leaves out the lessons falling on a closure, by their local date', () => {
    const lessons = mondays();
    // 8 November is closed: its 16:00 lesson (20:00Z) is out; so is a 23:30 local lesson that is 9 November in UTC
    const late = lesson('2027-11-09T03:30:00Z');
    const priced = pricePeriod([...lessons, late], [{ startsOn: '2027-11-08', endsOn: '2027-11-08' }], november, rule);
    expect(priced.amountCents).toBe(4 * 4500);
    expect(priced.excluded).toEqual([
      { lessonId: lessons[1]!.id, reason: 'closure' },
      { lessonId: late.id, reason: 'closure' },
    ]);
  });

  it('leaves out a lesson cancelled by the school but charges one cancelled by the family', () => {
    const [a, b, c, d, e] = mondays();
    b!.status = 'cancelled';
    b!.cancelledBy = 'school';
    c!.status = 'cancelled';
    c!.cancelledBy = 'family';
    const priced = pricePeriod([a!, b!, c!, d!, e!], [], november, rule);
    expect(priced.amountCents).toBe(4 * 4500);
    expect(priced.lessons.map((l) => l.lessonId)).toContain(c!.id);
    expect(priced.excluded).toEqual([{ lessonId: b!.id, reason: 'cancelled_by_school' }]);
  });

  it('charges completed lessons, but not demo or make-up lessons nor the old place of a moved lesson', () => {
    const [a, b, c, d] = mondays();
    a!.status = 'completed';
    b!.lessonType = 'demo';
    c!.lessonType = 'makeup';
    d!.status = 'rescheduled';
    const priced = pricePeriod([a!, b!, c!, d!], [], november, rule);
    expect(priced.lessons.map((l) => l.lessonId)).toEqual([a!.id]);
    expect(priced.excluded.map((x) => x.reason)).toEqual(['not_regular', 'not_regular', 'rescheduled']);
  });

  it('prices each lesson by its length, and one the school does not price at the fallback rate', () => {
    const priced = pricePeriod(
      [lesson('2027-11-02T19:00:00Z', { durationMinutes: 45 }), lesson('2027-11-03T19:00:00Z', { durationMinutes: 60 }), lesson('2027-11-04T19:00:00Z', { durationMinutes: 40 })],
      [],
      november,
      rule,
    );
    expect(priced.lessons.map((l) => l.amountCents)).toEqual([6000, 7500, 5000]);
    expect(priced.amountCents).toBe(18_500);
  });

  it('does not charge again a lesson another invoice charged', () => {
    const [a, b] = mondays();
    b!.billed = true;
    const priced = pricePeriod([a!, b!], [], november, rule);
    expect(priced.lessons.map((l) => l.lessonId)).toEqual([a!.id]);
    expect(priced.excluded).toEqual([{ lessonId: b!.id, reason: 'already_billed' }]);
  });

  it('costs nothing when the whole period is closed', () => {
    const priced = pricePeriod(mondays(), [{ startsOn: '2027-10-30', endsOn: '2027-12-02' }], november, rule);
    expect(priced).toMatchObject({ amountCents: 0, lessons: [] });
    expect(priced.excluded).toHaveLength(5);
  });
});
