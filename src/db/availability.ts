/**
 * Tells a lost or unreachable database apart from every other error, so callers can answer
 * "try again shortly" (HTTP 503 `database_unavailable`) instead of treating it as a bug, and so a
 * process keeps running through a PostgreSQL restart, failover or network cut.
 */

/** Seconds a client is told to wait (`Retry-After`) before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** Socket errors of a connection that could not be made or was cut. */
const socketErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * SQLSTATEs of a server that is going away, starting or out of connections: 57P01 admin_shutdown
 * (pg_ctl stop -m fast, pg_terminate_backend), 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up, shutting down, in recovery), 53300 too_many_connections. Class 08 (connection
 * exception) is matched by prefix.
 */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);

/** Messages of node-postgres, pg-pool and PGlite for a connection that is gone or never came. */
const unavailableMessages = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect/,
  /is not queryable$/, // a client whose connection broke or was closed
  /^Cannot use a pool after calling end on the pool/,
  /^PGlite is closed/,
  /^the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/,
];

function matchesItself(error: object): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (socketErrorCodes.has(code) || unavailableSqlStates.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message));
}

/**
 * True when `error` (or an error it wraps: `cause`, the `errors` of an AggregateError, as Drizzle and
 * Node's happy-eyeballs connect give them) says the database cannot be reached right now. Constraint
 * violations, syntax errors and other answers of a working server are false, and so is a failed
 * `fetch` (an HTTP service, not the database). Socket errors are not tied to a host: the database
 * is the one connection-level dependency a request's own code reaches without a wrapper.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (matchesItself(current)) return true;
    // An HTTP call's socket error (fetch wraps it as its cause) is another service's outage.
    if (current instanceof TypeError && current.message === 'fetch failed') continue;
    pending.push((current as { cause?: unknown }).cause);
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) pending.push(...nested);
  }
  return false;
}

/** Backoff between reconnection tries: the first after `firstMs`, doubling per failure up to `maxMs`. */
export interface ReconnectBackoff {
  firstMs: number;
  maxMs: number;
}

/**
 * Milliseconds to wait before the next try after `failures` failed ones (0 for the first try):
 * between half and all of firstMs · 2^failures, capped at maxMs. The random half keeps many
 * processes from reconnecting in step when the database comes back.
 */
export function reconnectDelayMs(failures: number, backoff: ReconnectBackoff): number {
  const ceiling = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(failures, 30));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
