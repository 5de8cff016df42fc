import { describe, expect, it } from 'vitest';
import { RowProblem, RowReader } from './values.js';

const read = <T>(value: string, pick: (r: RowReader) => T): { value: T; issues: RowReader['issues'] } => {
  const reader = new RowReader({ field: value });
  return { value: pick(reader), issues: reader.issues };
};

describe('reading CSV values', () => {
  it('reads dates as ISO or month/day/year, and refuses the rest naming the field', () => {
    expect(read('2015-03-04', (r) => r.date('field')).value).toBe('2015-03-04');
    expect(read('3/4/2015', (r) => r.date('field')).value).toBe('2015-03-04');
    expect(read('12/31/2015', (r) => r.date('field')).value).toBe('2015-12-31');
    for (const bad of ['31/12/2015', '02/30/2015', '2015-13-01', 'March 4', '1815-01-01']) {
      const { value, issues } = read(bad, (r) => r.date('field'));
      expect(value, bad).toBeUndefined();
      expect(issues, bad).toEqual([{ field: 'field', message: expect.stringContaining(bad) }]);
    }
  });

  it('reads dollars as integer cents', () => {
    expect(read('45', (r) => r.money('field')).value).toBe(4500);
    expect(read('$45.5', (r) => r.money('field')).value).toBe(4550);
    expect(read('CAD 60.05', (r) => r.money('field')).value).toBe(6005);
    expect(read('45,00', (r) => r.money('field')).issues).toHaveLength(1);
    expect(read('-5', (r) => r.money('field')).issues).toHaveLength(1);
  });

  it('reads times of day in 24-hour and 12-hour forms; 24:00 only as an end', () => {
    const time = (value: string, endOfDay = false) => read(value, (r) => r.time('field', { endOfDay })).value;
    expect(time('16:00')).toBe('16:00');
    expect(time('9:30')).toBe('09:30');
    expect(time('4:30 PM')).toBe('16:30');
    expect(time('4pm')).toBe('16:00');
    expect(time('12:00 AM')).toBe('00:00');
    expect(time('12 p.m.')).toBe('12:00');
    expect(time('24:00', true)).toBe('24:00');
    for (const bad of ['24:00', '16', '13:00 PM', '9:60', 'noon']) expect(time(bad), bad).toBeUndefined();
  });

  it('reads weekdays by name, abbreviation or ISO number', () => {
    const day = (value: string) => read(value, (r) => r.weekday('field')).value;
    expect([day('Monday'), day('tue'), day('Wed.'), day('7')]).toEqual([1, 2, 3, 7]);
    expect(day('Mo')).toBeUndefined();
    expect(day('8')).toBeUndefined();
  });

  it('reads lists and throws every issue of a row at once', () => {
    expect(read('Piano; voice | piano', (r) => r.list('field')).value).toEqual(['piano', 'voice']);
    const reader = new RowReader({ a: '', b: 'x' });
    reader.text('a', { required: true });
    reader.email('b');
    expect(() => reader.done()).toThrow(RowProblem);
    expect(reader.issues.map((i) => i.field)).toEqual(['a', 'b']);
  });
});
