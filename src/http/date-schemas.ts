import { z } from 'zod';

/**
 * The dates and instants the API accepts. Everything outside these bounds is a typing mistake
 * (year 0000 does not exist in PostgreSQL; year 9999 plus a lesson's length overflows), so it is
 * refused with a 400 naming the field instead of reaching the database.
 */
export const DATE_BOUNDS = { min: '1900-01-01', max: '2100-12-31' } as const;
/** Instants: 1970-01-01T00:00:00Z up to the end of 2100 (UTC), inclusive. */
export const INSTANT_BOUNDS = { min: '1970-01-01T00:00:00Z', max: '2100-12-31T23:59:59.999Z' } as const;

const instantMinMs = Date.parse(INSTANT_BOUNDS.min);
const instantMaxMs = Date.parse(INSTANT_BOUNDS.max);

/** The message of a missing field, else `message` (a malformed value). */
const missingOr = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message);

/** A calendar date 'YYYY-MM-DD' that exists (2025-02-30 is refused), within DATE_BOUNDS. */
export const boundedDate = z.iso
  .date({ abort: true, error: missingOr('must be a date YYYY-MM-DD') })
  .refine((value) => value >= DATE_BOUNDS.min && value <= DATE_BOUNDS.max, { message: `must be a date from ${DATE_BOUNDS.min} to ${DATE_BOUNDS.max}` });

/** An instant: ISO 8601 with an offset (Z or ±HH:MM), within INSTANT_BOUNDS. */
export const boundedInstant = z.iso.datetime({ offset: true, abort: true, error: missingOr('must be an instant in ISO 8601 with an offset (Z or ±HH:MM)') }).refine(
  (value) => {
    const ms = Date.parse(value);
    return ms >= instantMinMs && ms <= instantMaxMs;
  },
  { message: `must be an instant from ${INSTANT_BOUNDS.min} to ${INSTANT_BOUNDS.max}` },
);

/** A date in an answer: format only (rows written before the bounds existed are still shown). */
export const answerDate = z.iso.date();
