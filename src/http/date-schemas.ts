import { DateTime } from 'luxon';
import { z } from 'zod';
import { schoolZoneOfRequest } from './school-zone.js';

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

const INSTANT_MESSAGE = 'must be an instant in ISO 8601 with an offset (Z or ±HH:MM), a local date-time (2027-01-04T16:00) or a date';
const withOffset = z.iso.datetime({ offset: true });
const localDateTime = z.iso.datetime({ local: true });
const dateOnly = z.iso.date();

/**
 * `value` as an ISO instant with an offset: unchanged when it has one; a local date-time or a
 * date (its start) read in `zone` (a wall time skipped by a DST jump moves forward by the jump;
 * a repeated one is its first occurrence). Undefined when it is none of these, or local without a zone.
 */
export function instantFrom(value: string, zone: string | undefined): string | undefined {
  if (withOffset.safeParse(value).success) return value;
  if (zone === undefined || !(localDateTime.safeParse(value).success || dateOnly.safeParse(value).success)) return undefined;
  const local = DateTime.fromISO(value, { zone });
  return local.isValid ? (local.toISO({ suppressMilliseconds: true }) ?? undefined) : undefined;
}

/**
 * An instant, within INSTANT_BOUNDS: ISO 8601 with an offset (Z or ±HH:MM), or — in a request —
 * a local date-time without an offset (`2027-01-04T16:00`) or a date (`2027-01-04`, its start),
 * read in the school's zone. The parsed value always carries an offset (`2027-01-04T16:00:00-04:00`).
 */
export const boundedInstant = z.string({ error: missingOr(INSTANT_MESSAGE) }).transform((value, context) => {
  const instant = instantFrom(value, schoolZoneOfRequest());
  const ms = instant === undefined ? Number.NaN : Date.parse(instant);
  if (instant === undefined || Number.isNaN(ms)) {
    context.issues.push({ code: 'custom', message: INSTANT_MESSAGE, input: value });
    return z.NEVER;
  }
  if (ms < instantMinMs || ms > instantMaxMs) {
    context.issues.push({ code: 'custom', message: `must be an instant from ${INSTANT_BOUNDS.min} to ${INSTANT_BOUNDS.max}`, input: value });
    return z.NEVER;
  }
  return instant;
});

/** A date in an answer: format only (rows written before the bounds existed are still shown). */
export const answerDate = z.iso.date();
