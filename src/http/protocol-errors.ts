import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-handler.js';
import { AppError, statusOf } from './errors.js';

/** Request line plus headers, bytes (Node's default): more answers 431 `headers_too_large`. */
export const MAX_HEADER_BYTES = 16_384;
/** One path segment (a route parameter), characters (Fastify's default): more answers 414 `uri_too_long`. */
export const MAX_PARAM_LENGTH = 100;

/**
 * What Node's HTTP parser refused before Fastify saw a request (`clientError`): oversized headers
 * or query string (431), a request that did not arrive in time (408), anything else that is not
 * HTTP (400). Answered on the raw socket in the error envelope, then the connection is closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const appError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers_too_large', `The request line and headers exceed ${MAX_HEADER_BYTES / 1024} kB`)
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request_timeout', 'The request did not arrive in time')
        : new AppError('bad_request', 'The request is not valid HTTP');
  const requestId = randomUUID();
  const body = JSON.stringify(errorBody(appError, requestId));
  const status = statusOf(appError.code);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * What Fastify's router refused before any hook ran: a path that is not valid percent-encoding (400)
 * or a path segment over MAX_PARAM_LENGTH (414). The path is not echoed.
 */
function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new AppError('uri_too_long', `A path segment is longer than ${MAX_PARAM_LENGTH} characters`)
      : error.code === 'FST_ERR_BAD_URL'
        ? new AppError('bad_request', 'The URL is not valid', [{ field: 'url', message: 'has malformed percent-encoding' }])
        : new AppError('internal', 'Internal server error');
  if (appError.code === 'internal') request.log.error({ err: error }, 'router error');
  void reply.header('x-request-id', request.id).status(statusOf(appError.code)).send(errorBody(appError, request.id));
}

/** Fastify options that put the HTTP layer's own refusals (400, 408, 414, 431) in the error envelope. */
export const protocolErrorOptions = {
  http: { maxHeaderSize: MAX_HEADER_BYTES },
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  clientErrorHandler: answerClientError,
  frameworkErrors: answerFrameworkError,
  // Requests arriving while the app closes get the envelope's 503 from `refuseWhileClosing`.
  return503OnClosing: false,
};

/**
 * While the app is closing (SIGTERM), a new request answers 503 `unavailable` with
 * `connection: close`; requests already running finish. Install after the x-request-id hook.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    void reply.header('connection', 'close');
    done(new AppError('unavailable', 'The server is shutting down; retry shortly'));
  });
}
