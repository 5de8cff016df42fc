/**
 * The transport focus of a request: a wrong content type, malformed JSON, a body over the 1 MiB
 * limit, no content type, another method, an odd Accept header.
 */
import fc from 'fast-check';
import type { Operation } from './operations.js';
import type { FuzzRequest } from './requests.js';
import { conforming } from './values.js';

const json = { 'content-type': 'application/json' };

const malformedJson: readonly string[] = [
  '{',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  '\u0000',
  '{"a":"\\u0000"}',
  'nul',
  '1e400',
  '-0',
  '"text"',
  '\uFEFF{}',
  '{"a":1}{"b":2}',
  '{"a":1,"a":2}',
  '['.repeat(50_000),
  '{"a":'.repeat(10_000),
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
];
const contentTypes: readonly string[] = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/jsonx',
  'application/json, text/plain',
  '*/*',
  'application/merge-patch+json',
];

/** Transport changes for `op` (the method replaces the operation's own when set). */
export function transportArb(op: Operation): fc.Arbitrary<{ method?: FuzzRequest['method']; payload?: string; headers: Record<string, string>; mutation: string }> {
  const someBody = op.body ? conforming(op.body).map((v) => JSON.stringify(v) ?? '{}') : fc.constant('{}');
  return fc.oneof(
    fc.tuple(someBody, fc.constantFrom(...contentTypes)).map(([payload, type]) => ({ payload, headers: { 'content-type': type }, mutation: `transport.content-type:${type}` })),
    fc.constantFrom(...malformedJson).map((payload) => ({ payload, headers: json, mutation: 'transport.malformed-json' })),
    fc.constantFrom('x'.repeat(1_100_000), `[${'1,'.repeat(600_000)}1]`).map((payload) => ({ payload, headers: json, mutation: 'transport.too-large' })),
    someBody.map((payload) => ({ payload, headers: { 'content-type': '' }, mutation: 'transport.no-content-type' })),
    fc.constantFrom<FuzzRequest['method']>('GET', 'POST', 'PUT', 'PATCH', 'DELETE').map((method) => ({ method, headers: {}, mutation: `transport.method:${method}` })),
    fc.constantFrom('application/xml', 'text/html', '', '*/*;q=abc').map((accept) => ({ headers: { accept }, mutation: 'transport.accept' })),
  );
}
