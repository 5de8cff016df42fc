/**
 * Requests for one operation: everything conforming to the operation's schemas except one focus
 * (a path parameter, the query, the body, or the transport: content type, malformed JSON, size,
 * method), so that the malformed part reaches as deep into the handler as validation lets it.
 */
import fc from 'fast-check';
import type { JsonSchema, Operation } from './operations.js';
import { conforming, conformingNamed, hostile, HUGE, nastyStrings, numberishStrings, type Hints } from './values.js';
import { transportArb } from './transport.js';
import { webhookDeliveries } from './webhook.js';

export const callers = ['anonymous', 'parent', 'admin'] as const;
export type Caller = (typeof callers)[number];

export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, already percent-encoded (some of it deliberately badly). */
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** What was made malformed, e.g. `body.field:dateOfBirth`, `path:id`, `transport:content-type`. */
  mutation: string;
}

/** What the fuzzer knows about the world: valid path values (existing records) and callers' headers. */
export interface FuzzFixtures {
  /** Values of existing records for this path parameter (may be empty). */
  pathValues(op: Operation, param: string): string[];
  /** Known-good values of body fields and query parameters, by name. */
  hints: Hints;
  headersOf(caller: Exclude<Caller, 'anonymous'>): Record<string, string>;
}

type Pair = [string, string];

const asText = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
const encode = (text: string): string => {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.replace(/[^A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').slice(-2)}`); // lone surrogates
  }
};

/** Already-encoded path segments that are not ids: bad percent-encoding, NUL, too long, number-ish. */
const hostileSegments: readonly string[] = [
  ...['abc', '-1', '0', '1.5', '1e3', '0x10', '99999999999999999999', '2147483648', '9007199254740993', ' 1', 'null', 'x'.repeat(101), 'é', '١٢٣'].map(encode),
  '%00',
  '1%00',
  '%E0%A4%A',
  '%ZZ',
  '%',
  '..',
  '%2e%2e',
  '%2F',
  '1;drop',
  encode('\uD800'),
  'a'.repeat(2000),
];

const segmentArb = (op: Operation, name: string, schema: JsonSchema, fixtures: FuzzFixtures): fc.Arbitrary<string> => {
  const known = fixtures.pathValues(op, name);
  const valid = conforming(schema, fixtures.hints).map((v) => encode(asText(v)));
  return known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known.map(encode)) }, { weight: 1, arbitrary: valid }) : valid;
};

function pathArb(op: Operation, fixtures: FuzzFixtures, focus: boolean): fc.Arbitrary<{ path: string; mutation?: string }> {
  const params = op.pathParams;
  const hostileIndex = focus && params.length > 0 ? fc.integer({ min: 0, max: params.length - 1 }) : fc.constant(-1);
  return hostileIndex.chain((index) =>
    fc.tuple(...params.map((p, i) => (i === index ? fc.constantFrom(...hostileSegments) : segmentArb(op, p.name, p.schema, fixtures)))).map((values) => {
      let path = op.path;
      params.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, values[i]!);
      });
      return { path, ...(index >= 0 ? { mutation: `path:${params[index]!.name}` } : {}) };
    }),
  );
}

const queryValue = (schema: JsonSchema, value: unknown): Pair[] =>
  Array.isArray(value) ? value.map((v) => ['', asText(v)] as Pair) : [['', asText(value ?? schema.default ?? '')]];

function queryArb(op: Operation, hints: Hints, focus: boolean): fc.Arbitrary<{ query: string; mutation?: string }> {
  const normal = fc
    .tuple(
      ...op.query.map((p) => {
        const value = conformingNamed(p.name, p.schema, hints).map((v) => queryValue(p.schema, v).map(([, text]) => [p.name, text] as Pair));
        return p.required ? value : fc.option(value, { nil: [] as Pair[] });
      }),
    )
    .map((lists) => lists.flat());
  const join = (pairs: Pair[], raw: string[] = []): string => [...pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`), ...raw].join('&');
  if (!focus) return normal.map((pairs) => ({ query: join(pairs) }));
  const names = op.query.length > 0 ? op.query.map((p) => p.name) : ['page'];
  const schemaOf = (name: string): JsonSchema => op.query.find((p) => p.name === name)?.schema ?? {};
  const mutations: Array<fc.Arbitrary<{ query: string; mutation: string }>> = [
    fc
      .tuple(normal, fc.constantFrom(...names))
      .chain(([pairs, name]) => hostile(schemaOf(name)).map((v) => ({ query: join([...pairs.filter(([k]) => k !== name), [name, asText(v)]]), mutation: `query.value:${name}` }))),
    fc.tuple(normal, fc.constantFrom(...names)).map(([pairs, name]) => ({ query: join([...pairs, [name, '1'], [name, '2']]), mutation: `query.array:${name}` })),
    fc
      .tuple(normal, fc.constantFrom(...names))
      .map(([pairs, name]) => ({ query: join(pairs, [`${encode(name)}[]=1`, `${encode(name)}[a]=2`]), mutation: `query.brackets:${name}` })),
    fc.tuple(normal, fc.constantFrom(...names)).map(([pairs, name]) => ({ query: join(pairs, [encode(name), `${encode(name)}=`]), mutation: `query.empty:${name}` })),
    fc
      .tuple(normal, fc.constantFrom(...names), fc.constantFrom('%00', '%E0%A4%A', '%ZZ', '%', encode('\u0000'.repeat(10)), 'x'.repeat(HUGE)))
      .map(([pairs, name, raw]) => ({ query: join(pairs, [`${encode(name)}=${raw}`]), mutation: `query.raw:${name}` })),
    fc
      .tuple(normal, fc.constantFrom('unknown', '__proto__', 'constructor', '', 'a'.repeat(1000)), fc.constantFrom(...nastyStrings.slice(0, 20), ...numberishStrings))
      .map(([pairs, key, value]) => ({ query: join([...pairs, [key, value]]), mutation: 'query.extra' })),
  ];
  return fc.oneof(...mutations);
}

/** Dotted paths of the properties of an object schema (nested objects included), with their schemas. */
function propertyPaths(schema: JsonSchema, prefix: string[] = [], depth = 0): Array<{ path: string[]; schema: JsonSchema }> {
  const out: Array<{ path: string[]; schema: JsonSchema }> = [];
  if (depth > 3) return out;
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    out.push({ path: [...prefix, name], schema: child });
    const objectBranch = [child, ...(child.anyOf ?? [])].find((s) => s.properties);
    if (objectBranch) out.push(...propertyPaths(objectBranch, [...prefix, name], depth + 1));
  }
  return out;
}

function setAt(root: unknown, path: string[], value: unknown): unknown {
  const top: Record<string, unknown> = root !== null && typeof root === 'object' && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  let node = top;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = value;
    else {
      const next = node[key];
      node[key] = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
      node = node[key] as Record<string, unknown>;
    }
  });
  return top;
}

const json = { 'content-type': 'application/json' };

function bodyArb(schema: JsonSchema, hints: Hints): fc.Arbitrary<{ payload: string; headers: Record<string, string>; mutation: string }> {
  const valid = conforming(schema, hints);
  const paths = propertyPaths(schema);
  const required = (schema.required ?? []).filter((k) => schema.properties?.[k]);
  const variants: Array<fc.Arbitrary<{ value: unknown; mutation: string }>> = [
    valid.map((value) => ({ value, mutation: 'body.edge' })),
    hostile(schema).map((value) => ({ value, mutation: 'body.root' })),
    fc.tuple(valid, fc.constantFrom('__proto__', 'constructor', 'isAdmin', 'role', 'id', '\u0000'), hostile({})).map(([value, key, extra]) => ({
      value: setAt(value, [key], extra),
      mutation: 'body.extra',
    })),
  ];
  if (paths.length > 0) {
    variants.push(
      fc
        .tuple(valid, fc.constantFrom(...paths))
        .chain(([value, target]) => hostile(target.schema).map((bad) => ({ value: setAt(value, target.path, bad), mutation: `body.field:${target.path.join('.')}` }))),
    );
  }
  if (required.length > 0) {
    variants.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([value, key]) => {
        const copy = { ...(value as Record<string, unknown>) };
        delete copy[key];
        return { value: copy, mutation: `body.missing:${key}` };
      }),
    );
  }
  return fc.oneof(...variants).map(({ value, mutation }) => ({ payload: JSON.stringify(value) ?? 'null', headers: json, mutation }));
}

const badAuthorizations: readonly string[] = [
  'Bearer',
  'Bearer ',
  'Bearer x.y.z',
  'Basic Zm9vOmJhcg==',
  `Bearer ${'a'.repeat(HUGE)}`,
  'Bearer eyJhbGciOiJub25lIn0.eyJ1c2VySWQiOjF9.',
  'bearer\u0000token',
  `Bearer ${'eyJ'.repeat(10)}`,
];

function callerHeaders(caller: Caller, fixtures: FuzzFixtures): fc.Arbitrary<Record<string, string>> {
  if (caller !== 'anonymous') return fc.constant(fixtures.headersOf(caller));
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    fc.constantFrom(...badAuthorizations).map((authorization) => ({ authorization })),
  );
}

type Focus = 'none' | 'path' | 'query' | 'body' | 'transport';

/** Requests of `caller` to `op`, each with one malformed focus (or none: conforming, edge-biased). */
export function requestArbitrary(op: Operation, caller: Caller, fixtures: FuzzFixtures): fc.Arbitrary<FuzzRequest> {
  const rawBody = op.key === 'POST /api/v1/stripe/webhooks';
  const focuses: Focus[] = ['none', 'query', 'transport'];
  if (op.pathParams.length > 0) focuses.push('path');
  if (op.body || rawBody) focuses.push('body', 'body');
  const method = op.method as FuzzRequest['method'];
  return fc.constantFrom(...focuses).chain((focus) =>
    fc
      .record({
        path: pathArb(op, fixtures, focus === 'path'),
        query: queryArb(op, fixtures.hints, focus === 'query'),
        body: op.body
          ? focus === 'body'
            ? bodyArb(op.body, fixtures.hints)
            : conforming(op.body, fixtures.hints).map((v) => ({ payload: JSON.stringify(v) ?? 'null', headers: json, mutation: '' }))
          : fc.constant(undefined),
        webhook: rawBody ? webhookDeliveries : fc.constant(undefined),
        transport: focus === 'transport' ? transportArb(op) : fc.constant(undefined),
        auth: callerHeaders(caller, fixtures),
      })
      .map(({ path, query, body, webhook, transport, auth }): FuzzRequest => {
        const url = query.query ? `${path.path}?${query.query}` : path.path;
        const headers: Record<string, string> = { ...auth, ...(body?.headers ?? {}) };
        let payload = body?.payload;
        if (webhook && focus === 'body') {
          payload = webhook.payload;
          headers['content-type'] = 'application/json';
          if (webhook.signature !== undefined) headers['stripe-signature'] = webhook.signature;
        }
        if (transport) {
          Object.assign(headers, transport.headers);
          if (transport.payload !== undefined) payload = transport.payload;
        }
        if (headers['content-type'] === '') delete headers['content-type'];
        const mutation = path.mutation ?? query.mutation ?? transport?.mutation ?? (focus === 'body' ? (webhook?.mutation ?? body?.mutation) : undefined) ?? 'none';
        return { method: transport?.method ?? method, url, headers, ...(payload === undefined ? {} : { payload }), mutation };
      }),
  );
}
