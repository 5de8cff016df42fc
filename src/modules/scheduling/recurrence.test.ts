import { describe, expect, it } from 'vitest';
import { isoInZone } from './local-time.js';
import { expandSeries } from './recurrence.js';

const zone = 'America/Halifax';
const local = (ms: number): string => isoInZone(ms, zone);

describe('expandSeries', () => {
  it('keeps a weekly 16:00 series at 16:00 local through the March change (UTC offset moves)', () => {
    const { occurrences, skipped } = expandSeries({ firstStart: Date.parse('2027-03-01T16:00:00-04:00'), zone, frequency: 'weekly', count: 4, closures: [] });
    expect(occurrences.map(local)).toEqual(['2027-03-01T16:00:00-04:00', '2027-03-08T16:00:00-04:00', '2027-03-15T16:00:00-03:00', '2027-03-22T16:00:00-03:00']);
    expect(occurrences.map((ms) => new Date(ms).getUTCHours())).toEqual([20, 20, 19, 19]);
    expect(skipped).toEqual([]);
  });

  it('keeps 16:00 local through the November changes of 2026 and 2027', () => {
    const y2026 = expandSeries({ firstStart: Date.parse('2026-10-19T16:00:00-03:00'), zone, frequency: 'weekly', until: '2026-11-09', closures: [] });
    expect(y2026.occurrences.map(local)).toEqual(['2026-10-19T16:00:00-03:00', '2026-10-26T16:00:00-03:00', '2026-11-02T16:00:00-04:00', '2026-11-09T16:00:00-04:00']);
    const y2027 = expandSeries({ firstStart: Date.parse('2027-11-01T16:00:00-03:00'), zone, frequency: 'weekly', count: 2, closures: [] });
    expect(y2027.occurrences.map((ms) => new Date(ms).toISOString())).toEqual(['2027-11-01T19:00:00.000Z', '2027-11-08T20:00:00.000Z']);
  });

  it('skips closures without counting them and reports them', () => {
    const closures = [{ startsOn: '2027-03-08', endsOn: '2027-03-12', name: 'March break' }];
    const { occurrences, skipped } = expandSeries({ firstStart: Date.parse('2027-03-01T16:00:00-04:00'), zone, frequency: 'weekly', count: 3, closures });
    expect(occurrences.map(local)).toEqual(['2027-03-01T16:00:00-04:00', '2027-03-15T16:00:00-03:00', '2027-03-22T16:00:00-03:00']);
    expect(skipped).toEqual([{ date: '2027-03-08', closure: 'March break' }]);
  });

  it('ends on the until date (inclusive) and supports biweekly', () => {
    const until = expandSeries({ firstStart: Date.parse('2027-03-01T16:00:00-04:00'), zone, frequency: 'biweekly', until: '2027-03-29', closures: [] });
    expect(until.occurrences.map(local)).toEqual(['2027-03-01T16:00:00-04:00', '2027-03-15T16:00:00-03:00', '2027-03-29T16:00:00-03:00']);
  });

  it('repeats monthly on the same weekday of the month (2nd Tuesday; a 5th weekday becomes the last)', () => {
    const second = expandSeries({ firstStart: Date.parse('2027-02-09T17:30:00-04:00'), zone, frequency: 'monthly', count: 3, closures: [] });
    expect(second.occurrences.map(local)).toEqual(['2027-02-09T17:30:00-04:00', '2027-03-09T17:30:00-04:00', '2027-04-13T17:30:00-03:00']);
    const last = expandSeries({ firstStart: Date.parse('2027-03-29T16:00:00-03:00'), zone, frequency: 'monthly', count: 2, closures: [] });
    expect(last.occurrences.map(local)).toEqual(['2027-03-29T16:00:00-03:00', '2027-04-26T16:00:00-03:00']);
  });
});
