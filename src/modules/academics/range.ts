import { validationFailed } from '../../http/errors.js';

export interface DayRange {
  startsOn: string;
  endsOn: string;
}

/** 400 naming body.endsOn when the range ends before it starts ('YYYY-MM-DD' compares as text). */
export function checkRange(range: DayRange): void {
  if (range.endsOn < range.startsOn) {
    throw validationFailed([{ field: 'body.endsOn', message: `must be on or after startsOn (${range.startsOn})` }]);
  }
}

/** Whether `inner` lies within `outer` (inclusive). */
export const within = (inner: DayRange, outer: DayRange): boolean => outer.startsOn <= inner.startsOn && inner.endsOn <= outer.endsOn;

export const describeRange = (r: DayRange & { name: string }): string => `"${r.name}" (${r.startsOn} – ${r.endsOn})`;
