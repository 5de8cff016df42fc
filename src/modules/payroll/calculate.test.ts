import { describe, expect, it } from 'vitest';
import type { PayrollSetting } from '../settings/types.js';
import { amountFor, type PeriodLesson, payForLesson, periodInstants, priceLines } from './calculate.js';
import { rateOn } from './rates.js';

const lesson = (fields: Partial<PeriodLesson>): PeriodLesson => ({
  id: 1,
  teacherId: 10,
  substituteTeacherId: null,
  scheduledAt: new Date('2026-03-10T20:00:00Z'),
  lessonDate: '2026-03-10',
  minutes: 30,
  status: 'completed',
  attendance: 'present',
  cancelledAt: null,
  cancelledByFamily: null,
  ...fields,
});
const policy: PayrollSetting = { noShow: { pay: 'none', percent: 100 }, lateCancellation: { pay: 'percent', percent: 40 } };
const hoursBefore = (hours: number) => new Date(Date.parse('2026-03-10T20:00:00Z') - hours * 3_600_000);

describe('payroll rules', () => {
  it('pays who taught, by attendance and policy', () => {
    expect(payForLesson(lesson({}), policy, 24)).toEqual({ teacherId: 10, reason: 'taught', percent: 100 });
    expect(payForLesson(lesson({ attendance: 'late', substituteTeacherId: 11 }), policy, 24)).toEqual({ teacherId: 11, reason: 'substitute', percent: 100 });
    expect(payForLesson(lesson({ attendance: 'excused' }), policy, 24)).toEqual({ teacherId: 10, reason: 'no_show', percent: 0 });
    expect(payForLesson(lesson({ status: 'scheduled', attendance: null }), policy, 24)).toBeUndefined();
    expect(payForLesson(lesson({ status: 'rescheduled', attendance: null }), policy, 24)).toBeUndefined();
  });

  it('pays a family cancellation only inside the window, and never a school cancellation', () => {
    const cancelled = (cancelledByFamily: boolean, hours: number) => lesson({ status: 'cancelled', attendance: null, cancelledByFamily, cancelledAt: hoursBefore(hours) });
    expect(payForLesson(cancelled(true, 23), policy, 24)).toEqual({ teacherId: 10, reason: 'late_cancellation', percent: 40 });
    expect(payForLesson(cancelled(true, 24), policy, 24)).toBeUndefined();
    expect(payForLesson(cancelled(false, 1), policy, 24)).toBeUndefined();
  });

  it('prices with the rate of the lesson date, rounding half up, leaving out 0 % lines', () => {
    const rates = new Map([
      [
        10,
        [
          { perHourCents: 5000, effectiveFrom: '2026-01-01' },
          { perHourCents: 5500, effectiveFrom: '2026-03-10' },
        ],
      ],
    ]);
    expect(rateOn(rates.get(10)!, '2026-03-09')).toBe(5000);
    expect(rateOn(rates.get(10)!, '2026-03-10')).toBe(5500);
    expect(rateOn(rates.get(10)!, '2025-12-31')).toBeUndefined();
    expect(amountFor(45, 4999, 100)).toBe(3749); // 3749.25
    expect(amountFor(45, 5001, 100)).toBe(3751); // 3750.75
    const lines = priceLines([lesson({}), lesson({ id: 2, attendance: 'absent' })], rates, policy, 24);
    expect(lines.map((l) => [l.lessonId, l.amountCents])).toEqual([[1, 2750]]);
    expect(() => priceLines([lesson({ lessonDate: '2025-06-01' })], rates, policy, 24)).toThrow(/teacher 10 \(on 2025-06-01\)/);
  });

  it('reads a period as local days, DST-aware', () => {
    // Halifax: 2026-03-08 has 23 hours (spring forward), 2026-11-01 has 25.
    const spring = periodInstants('2026-03-08', '2026-03-08', 'America/Halifax');
    expect([spring.start.toISOString(), spring.end.toISOString()]).toEqual(['2026-03-08T04:00:00.000Z', '2026-03-09T03:00:00.000Z']);
    const fall = periodInstants('2026-11-01', '2026-11-01', 'America/Halifax');
    expect(fall.end.getTime() - fall.start.getTime()).toBe(25 * 3_600_000);
  });
});
