import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { drainOversizedBody } from './body-limit.js';
import { AppError, statusOf, validationFailed, type ErrorBody, type ErrorCode, type FieldIssue } from './errors.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/availability.js';

/** Postgres SQLSTATEs that are the caller's fault, mapped to our codes (never leaking SQL). */
const pgCodes: Record<string, { code: ErrorCode; message: string }> = {
  '23505': { code: 'conflict', message: 'This record already exists' },
  '23P01': { code: 'conflict', message: 'This time overlaps another booking' },
  '23503': { code: 'conflict', message: 'A referenced record does not exist or is still in use' },
  '23514': { code: 'validation_failed', message: 'A value is outside its allowed range' },
  '22P02': { code: 'validation_failed', message: 'A value has the wrong format' },
  '22021': { code: 'validation_failed', message: 'A text value holds a character that cannot be stored (such as NUL)' },
  '22P05': { code: 'validation_failed', message: 'A text value holds a character that cannot be stored (such as NUL)' },
  '22007': { code: 'validation_failed', message: 'A date or time has the wrong format' },
  '22008': { code: 'validation_failed', message: 'A date or time is out of range' },
  '22003': { code: 'validation_failed', message: 'A number is out of range' },
};

/** One issue of a Zod branch, as an `invalid_union` issue lists them (paths relative to the union). */
interface BranchIssue {
  code: string;
  path: PropertyKey[];
  message: string;
}

/**
 * The issues of a failed union: when every branch but one failed on the value's own type (a list
 * given where an object is expected, or the reverse), the remaining branch is what the client meant,
 * so its issues are reported, at their own paths. Otherwise (a true ambiguity) the union's own issue.
 */
function unionIssues(path: PropertyKey[], message: string, branches: BranchIssue[][]): { path: PropertyKey[]; message: string }[] {
  const wrongShape = (issues: BranchIssue[]) => issues.length === 1 && issues[0]?.code === 'invalid_type' && issues[0].path.length === 0;
  const meant = branches.filter((issues) => !wrongShape(issues));
  if (meant.length !== 1 || !meant[0]) return [{ path, message }];
  return meant[0].map((issue) => ({ path: [...path, ...issue.path], message: issue.message }));
}

function fastifyErrorToAppError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): AppError | undefined {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext ?? 'body';
    const issues: FieldIssue[] = error.validation.flatMap((v) => {
      const path = v.instancePath.replace(/^\//, '').split('/').filter(Boolean);
      const message = v.message ?? 'is invalid';
      const branches = v.params.errors as BranchIssue[][] | undefined;
      const found = v.keyword === 'invalid_union' && Array.isArray(branches) ? unionIssues(path, message, branches) : [{ path, message }];
      return found.map((issue) => ({ field: [part, ...issue.path.map(String)].join('.'), message: issue.message }));
    });
    return validationFailed(issues);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('bad_request', 'Malformed JSON body', [{ field: 'body', message: 'is not valid JSON' }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('bad_request', 'Malformed JSON body', [{ field: 'body', message: 'is empty' }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', `Unsupported content type ${request.headers['content-type'] ?? ''}`.trim());
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      drainOversizedBody(request, reply);
      return new AppError('payload_too_large', 'The request body is too large');
  }
  const status = error.statusCode ?? 500;
  if (status === 429) return new AppError('rate_limited', error.message || 'Too many requests');
  if (status >= 400 && status < 500) {
    const code: ErrorCode = status === 401 ? 'unauthenticated' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'bad_request';
    return new AppError(code, error.message);
  }
  return undefined;
}

/** The driver error behind `error` (Drizzle wraps it in DrizzleQueryError's `cause`) with a mapped SQLSTATE. */
function mappedDatabaseError(error: unknown): { code: string; constraint?: unknown } | undefined {
  let current = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 4; depth += 1) {
    const sqlState = (current as { code?: unknown }).code;
    if (typeof sqlState === 'string' && Object.hasOwn(pgCodes, sqlState)) return current as { code: string; constraint?: unknown };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function databaseErrorToAppError(error: unknown): AppError | undefined {
  const driverError = mappedDatabaseError(error);
  if (!driverError) return undefined;
  const mapped = pgCodes[driverError.code]!;
  const constraint = driverError.constraint;
  return new AppError(mapped.code, mapped.message, typeof constraint === 'string' ? { constraint } : undefined);
}

/** Builds the API.md error body. */
export function errorBody(error: AppError, requestId: string): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/** Installs the error and not-found handlers so every failure answers with the one error model. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = error instanceof AppError ? error : (fastifyErrorToAppError(error, request, reply) ?? databaseErrorToAppError(error));
    if (!appError && isDatabaseUnavailable(error)) {
      request.log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'database unavailable');
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      const unavailable = new AppError('database_unavailable', 'The database is unavailable; retry shortly', { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS });
      return reply.status(503).send(errorBody(unavailable, request.id));
    }
    if (!appError) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.status(500).send(errorBody(new AppError('internal', 'Internal server error'), request.id));
    }
    if (appError.code === 'internal' || appError.code === 'unavailable') request.log.error({ err: error }, appError.message);
    else request.log.info({ code: appError.code, message: appError.message }, 'request refused');
    return reply.status(statusOf(appError.code)).send(errorBody(appError, request.id));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('not_found', `Route ${request.method} ${request.url.split('?')[0]} not found`);
    return reply.status(404).send(errorBody(error, request.id));
  });
}
