/**
 * A fuzz campaign: for every operation and caller, `runs` requests sampled with fast-check from a
 * seed derived from the campaign seed, the operation and the caller (so one operation can be
 * replayed alone with FUZZ_ONLY), each answer judged by `verdictOf`. Failures are grouped by
 * operation, rule broken and answer; the first example of each group is kept.
 */
import fc from 'fast-check';
import type { App } from '../../src/app.js';
import { operationsOf } from './operations.js';
import { callers as allCallers, requestArbitrary, type Caller, type FuzzRequest } from './requests.js';
import { probeSockets } from './sockets.js';
import { answerSignature, verdictOf, type Answer } from './verdict.js';
import type { FuzzWorld } from './world.js';

export interface CampaignOptions {
  seed: number;
  /** Requests per operation and caller. */
  runs: number;
  callers?: readonly Caller[];
  /** Only the operations whose key (`METHOD /path`) matches. */
  only?: RegExp;
  /** Also send raw HTTP over a socket (oversized headers and URLs, broken request lines). Default true. */
  sockets?: boolean;
  /** Progress of long runs, after each operation. */
  onOperation?(key: string, done: number, total: number): void;
}

export interface Failure {
  operation: string;
  caller: Caller | 'socket';
  /** Index of the request in its operation × caller sample (replay with the same seed). */
  index: number;
  mutation: string;
  verdict: string;
  request: string;
  answer: string;
  /** Requests that broke the same rule with the same answer on this operation. */
  count: number;
}

export interface CampaignReport {
  seed: number;
  operations: number;
  requests: number;
  byStatus: Record<string, number>;
  /** Operations no request got a 2xx from: their requests never passed validation and access (a coverage hint). */
  neverSucceeded: string[];
  /** One entry per distinct failure. */
  failures: Failure[];
}

/** FNV-1a: a 32-bit seed per operation and caller. */
export function seedFor(seed: number, ...parts: string[]): number {
  let hash = 0x811c9dc5 ^ seed;
  for (const char of parts.join('|')) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash | 0;
}

const clip = (text: string, max = 240): string => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** A caller's real access token (header, payload, signature), shortened in reports. */
const signedToken = /^Bearer [\w-]+\.[\w-]+\.[\w-]{20,}$/;

export function describeRequest(request: FuzzRequest): string {
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `${k}: ${clip(k === 'authorization' && signedToken.test(v) ? 'Bearer <token>' : v, 80)}`)
    .join('; ');
  return `${request.method} ${clip(request.url)}${headers ? ` [${headers}]` : ''}${request.payload === undefined ? '' : ` ${clip(JSON.stringify(request.payload))}`}`;
}

const methodOrder = (method: string): number => (method === 'GET' ? 0 : method === 'DELETE' ? 2 : 1);

/** Runs the campaign against `world` and reports counts and distinct failures. */
export async function runCampaign(world: FuzzWorld, options: CampaignOptions): Promise<CampaignReport> {
  const app: App = world.stack.app;
  const operations = operationsOf(app)
    .filter((op) => !options.only || options.only.test(op.key))
    .sort((a, b) => methodOrder(a.method) - methodOrder(b.method) || a.key.localeCompare(b.key));
  const report: CampaignReport = { seed: options.seed, operations: operations.length, requests: 0, byStatus: {}, neverSucceeded: [], failures: [] };
  const succeeded = new Set<string>();
  const groups = new Map<string, Failure>();
  const record = (operation: string, caller: Failure['caller'], index: number, mutation: string, request: string, answer: Answer): void => {
    report.requests += 1;
    report.byStatus[answer.statusCode] = (report.byStatus[answer.statusCode] ?? 0) + 1;
    if (answer.statusCode >= 200 && answer.statusCode < 300) succeeded.add(operation);
    const verdict = verdictOf(answer);
    if (!verdict) return;
    const key = `${operation}|${verdict}|${answerSignature(answer)}`;
    const known = groups.get(key);
    if (known) known.count += 1;
    else groups.set(key, { operation, caller, index, mutation, verdict, request, answer: `${answer.statusCode} ${clip(answer.body, 300)}`, count: 1 });
  };

  for (const [done, op] of operations.entries()) {
    for (const caller of options.callers ?? allCallers) {
      const samples = fc.sample(requestArbitrary(op, caller, world), { seed: seedFor(options.seed, op.key, caller), numRuns: options.runs });
      for (const [index, request] of samples.entries()) {
        const res = await app.inject({
          method: request.method,
          url: request.url,
          headers: request.headers,
          ...(request.payload === undefined ? {} : { payload: request.payload }),
        });
        if (request.method !== 'GET') await world.restoreCallers();
        record(op.key, caller, index, request.mutation, describeRequest(request), { statusCode: res.statusCode, headers: res.headers, body: res.body });
      }
    }
    options.onOperation?.(op.key, done + 1, operations.length);
  }
  if (options.sockets !== false && !options.only) {
    for (const probe of await probeSockets(app)) record('raw HTTP', 'socket', 0, probe.name, clip(probe.request), probe.answer);
  }
  report.neverSucceeded = operations.map((op) => op.key).filter((key) => !succeeded.has(key));
  report.failures = [...groups.values()];
  return report;
}

/** A multi-line summary: counts, then each distinct failure with how to replay it. */
export function formatReport(report: CampaignReport, options: { runs: number }): string {
  const statuses = Object.entries(report.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  const lines = [
    `fuzz: seed ${report.seed}, ${options.runs} runs per operation and caller`,
    `fuzz: ${report.operations} operations, ${report.requests} requests; answers by status: ${statuses}`,
    `fuzz: never a 2xx (coverage hint): ${report.neverSucceeded.join(', ') || 'none'}`,
    `fuzz: ${report.failures.length} distinct failures (${report.failures.reduce((n, f) => n + f.count, 0)} requests)`,
  ];
  for (const f of report.failures) {
    lines.push(
      `- ${f.operation} as ${f.caller} (${f.mutation}, ×${f.count}): ${f.verdict}`,
      `    request: ${f.request}`,
      `    answer:  ${f.answer}`,
      f.caller === 'socket' ? '' : `    replay:  FUZZ_SEED=${report.seed} FUZZ_ONLY='^${f.operation.replace(/[{}]/g, '.')}$' (request #${f.index} of ${f.caller})`,
    );
  }
  return lines.filter((l) => l !== '').join('\n');
}
