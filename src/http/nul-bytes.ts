import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validationFailed, type FieldIssue } from './errors.js';
import { fieldsMatching } from './walk.js';

/** At most this many fields are named in one answer. */
const MAX_ISSUES = 10;
const NUL = '\u0000';

/** Where `value` holds a NUL character (in a string, or in an object key), as dotted field paths under `root`. */
export const nulFields = (root: string, value: unknown): string[] => fieldsMatching(root, value, (text) => text.includes(NUL), MAX_ISSUES);

function nulIssues(request: FastifyRequest): FieldIssue[] {
  // Only `%00` decodes to NUL in a path or query, so most requests skip the walk of params and query.
  const inUrl = request.url.includes('%00') || request.url.includes(NUL);
  const fields = [
    ...(inUrl ? [...nulFields('params', request.params), ...nulFields('querystring', request.query)] : []),
    ...(request.body === undefined || request.body === null ? [] : nulFields('body', request.body)),
  ];
  return fields.slice(0, MAX_ISSUES).map((field) => ({ field, message: 'must not contain NUL characters' }));
}

/**
 * Refuses a NUL character (`%00` in a path or query, `\u0000` in a JSON string) anywhere in the
 * path parameters, query or body with a 400 naming the field: PostgreSQL cannot store NUL in text
 * (SQLSTATE 22021), and no field of this API needs it. Runs after authentication, before validation.
 * A raw body (Buffer, e.g. the signed webhook) is not inspected.
 */
export function installNulByteGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const issues = nulIssues(request);
    if (issues.length === 0) return done();
    done(validationFailed(issues));
  });
}
