/**
 * The one error model of the API (see API.md):
 * `{"error": {"code", "message", "details"?, "requestId"}}`.
 * Codes form a closed set; `statusOf` is the only place that maps a code to an HTTP status.
 */
export const errorCodes = [
  'validation_failed',
  'bad_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  /** The resource existed but is gone for good (an expired export or link). */
  'gone',
  'payload_too_large',
  /** The HTTP layer's own refusals (answered before routing): slow request, path segment or headers too long. */
  'request_timeout',
  'uri_too_long',
  'headers_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  /** The database cannot be reached right now (restart, failover, network); answered with Retry-After. */
  'database_unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

const statusByCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  request_timeout: 408,
  uri_too_long: 414,
  headers_too_large: 431,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  database_unavailable: 503,
  internal: 500,
};

export const statusOf = (code: ErrorCode): number => statusByCode[code];

/** One problem with one input field; `field` is a dotted path such as `body.student.email`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: unknown;
    requestId: string;
  };
}

/** An error meant for the caller: thrown anywhere, rendered by the error handler. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get statusCode(): number {
    return statusOf(this.code);
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);
export const conflict = (message: string, details?: unknown): AppError => new AppError('conflict', message, details);
export const forbidden = (message = 'You may not do this'): AppError => new AppError('forbidden', message);
export const validationFailed = (issues: FieldIssue[]): AppError =>
  new AppError('validation_failed', issues.map((i) => `${i.field}: ${i.message}`).join('; ') || 'Invalid input', issues);
