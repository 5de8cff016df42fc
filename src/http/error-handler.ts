import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, statusOf, validationFailed, type ErrorBody, type ErrorCode, type FieldIssue } from './errors.js';

/** Postgres SQLSTATEs that are the caller's fault, mapped to our codes (never leaking SQL). */
const pgCodes: Record<string, { code: ErrorCode; message: string }> = {
  '23505': { code: 'conflict', message: 'This record already exists' },
  '23P01': { code: 'conflict', message: 'This time overlaps another booking' },
  '23503': { code: 'conflict', message: 'A referenced record does not exist or is still in use' },
  '23514': { code: 'validation_failed', message: 'A value is outside its allowed range' },
  '22P02': { code: 'validation_failed', message: 'A value has the wrong format' },
};

function fastifyErrorToAppError(error: FastifyError, request: FastifyRequest): AppError | undefined {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext ?? 'body';
    const issues: FieldIssue[] = error.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return { field: path ? `${part}.${path}` : part, message: v.message ?? 'is invalid' };
    });
    return validationFailed(issues);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('bad_request', `Malformed JSON body: ${error.message}`, [{ field: 'body', message: error.message }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', `Unsupported content type ${request.headers['content-type'] ?? ''}`.trim());
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
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

function databaseErrorToAppError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const sqlState = (error as { code: unknown }).code;
  if (typeof sqlState !== 'string') return undefined;
  const mapped = pgCodes[sqlState];
  if (!mapped) return undefined;
  const constraint = (error as { constraint?: unknown }).constraint;
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
    const appError =
      error instanceof AppError ? error : (fastifyErrorToAppError(error, request) ?? databaseErrorToAppError(error));
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
