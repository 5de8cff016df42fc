import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import { fieldsMatching } from './walk.js';

/**
 * The school's time zone during a request, for the request schemas that read plain dates and
 * local date-times (`2027-01-04`, `2027-01-04T16:00`) in it (see date-schemas.ts).
 */
const requestZone = new AsyncLocalStorage<string>();

/** The school's IANA zone of the request being validated; undefined outside a request. */
export const schoolZoneOfRequest = (): string | undefined => requestZone.getStore();

/** A date `YYYY-MM-DD` at the start of a string: a plain date, or a date-time that may lack an offset. */
const STARTS_WITH_DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * Makes the school's zone known while the query and body are validated, for requests holding a
 * string that starts with a date (only those may need it; the others skip the settings read).
 * `zoneOf` reads the zone (the cached settings reader).
 */
export function installSchoolZone(app: FastifyInstance, zoneOf: () => Promise<string>): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const hasDate = (root: string, value: unknown) => value !== undefined && value !== null && fieldsMatching(root, value, (text) => STARTS_WITH_DATE.test(text), 1).length > 0;
    if (!hasDate('querystring', request.query) && !hasDate('body', request.body)) return done();
    zoneOf().then(
      (zone) => requestZone.run(zone, done),
      (error: Error) => done(error),
    );
  });
}
