/**
 * The rules every answer of the API must keep, whatever it was sent: no 5xx, and every 4xx in the
 * error envelope `{"error":{"code","message","details"?,"requestId"}}` (JSON, the request id of
 * the `x-request-id` header, no library or runtime internals, no echo of a huge input).
 */

export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** Texts that only a library, the runtime or the database writes: a caller should never see them. */
const internals: ReadonlyArray<[RegExp, string]> = [
  [/https?:\/\//, 'a link (library help text)'],
  [/node_modules|\bat \S+ \(.*:\d+:\d+\)/, 'a stack trace'],
  [/\bFST_[A-Z_]+/, 'a Fastify error code'],
  [/SQLSTATE|\bsyntax error at\b|\brelation "|\bviolates\b.*constraint|invalid byte sequence/i, 'database text'],
];

/** Longest message or details an answer may carry: more is an input echoed back. */
const MAX_ERROR_TEXT = 4_000;

/** Why the answer breaks the rules, or undefined when it keeps them. */
export function verdictOf(answer: Answer): string | undefined {
  const status = answer.statusCode;
  if (status < 100) return 'no HTTP answer (connection closed)';
  if (status >= 500) return `server error ${status}`;
  if (status < 400) return undefined;
  const type = String(answer.headers['content-type'] ?? '');
  if (!type.includes('application/json')) return `${status} with content type "${type}", not the JSON error envelope`;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `${status} with a body that is not JSON`;
  }
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  if (!error || typeof error !== 'object' || typeof error.code !== 'string' || typeof error.message !== 'string' || typeof error.requestId !== 'string') {
    return `${status} outside the error envelope`;
  }
  const extra = Object.keys(body as object).filter((k) => k !== 'error');
  if (extra.length > 0) return `${status} envelope with extra top-level fields ${extra.join(', ')}`;
  const requestIdHeader = answer.headers['x-request-id'];
  if (requestIdHeader !== undefined && String(requestIdHeader) !== error.requestId) return `${status} requestId differs from the x-request-id header`;
  const text = `${error.message} ${error.details === undefined ? '' : JSON.stringify(error.details)}`;
  if (text.length > MAX_ERROR_TEXT) return `${status} error text of ${text.length} characters (input echoed back)`;
  for (const [pattern, what] of internals) if (pattern.test(text)) return `${status} error text contains ${what}`;
  return undefined;
}

/** A short, stable description of an answer for grouping failures: status and error code or body start. */
export function answerSignature(answer: Answer): string {
  try {
    const code = (JSON.parse(answer.body) as { error?: { code?: unknown } }).error?.code;
    if (typeof code === 'string') return `${answer.statusCode} ${code}`;
  } catch {
    // not JSON
  }
  return `${answer.statusCode} ${answer.body.slice(0, 60)}`;
}
