/**
 * Value generators driven by a JSON Schema: `conforming` values the schema accepts (biased to its
 * edges: bounds, year 0000 and 9999, 100 kB strings where no maxLength is set, NUL bytes and
 * unicode oddities), and `hostile` values it should refuse (wrong types, out of range, malformed
 * dates, number-like strings).
 */
import fc from 'fast-check';
import type { JsonSchema } from './operations.js';

/** Values of existing records or known-good inputs for a field name (`studentId` → ids of real students); may be empty. */
export type Hints = (name: string) => readonly unknown[];
const noHints: Hints = () => [];

/** 100 kB: well past any sane field, under the 1 MiB body limit. */
export const HUGE = 100_000;

/** Strings that break naive handling: NUL bytes, bidi and zero-width marks, lone surrogates, injections. */
export const nastyStrings: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  'zero\u200Bwidth',
  '\uFEFFbom',
  'e\u0301clair',
  'Z\u0338\u0322\u0349a\u0335l\u0337g\u0336o',
  '🎹🎻🥁',
  '\uD800',
  '\uDFFFx\uD800',
  'line\r\nbreak\ttab',
  'Ｆｕｌｌｗｉｄｔｈ',
  '١٢٣',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '{{constructor.constructor}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as text
  '${process.env}',
  '../../etc/passwd',
  '%00',
  '%',
  '__proto__',
  'null',
  'undefined',
  'x'.repeat(HUGE),
  '🎹'.repeat(HUGE / 4),
  '\u0000'.repeat(1000),
];

/** Numbers at the edges of doubles and of the database's integer types. */
export const extremeNumbers: readonly number[] = [0, -0, 1, -1, 0.5, -1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, -(2 ** 53) - 1, 1e308, -1e308, 5e-324, 1e-7];

/** Strings a lenient parser might read as numbers. */
export const numberishStrings: readonly string[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e308',
  '-1e308',
  '-0',
  '0x1F',
  '1_000',
  ' 1',
  '1 ',
  '1,5',
  '+1',
  '.5',
  '1.',
  '9007199254740993',
  '99999999999999999999999',
  '2147483648',
  '-2147483649',
  '1e3',
  '٣',
];

/** Malformed or out-of-range calendar dates and instants. */
export const badDates: readonly string[] = [
  '2026-02-30',
  '2026-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-04-31',
  '2026-1-1',
  '20260101',
  '0000-00-00',
  '10000-01-01',
  '-0001-01-01',
  '+002026-01-01',
  '2026-02-30T10:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T10:00:00+25:00',
  '2026-01-01T10:60:00Z',
  '2026-03-08T02:30:00',
  '1970-01-01T00:00:00.0000000000001Z',
  'tomorrow',
  'now',
  '',
];

/** Dates the date schema accepts that a calendar or the database may not. */
const edgeDates = ['0000-01-01', '0001-01-01', '1582-10-10', '1900-02-28', '1969-12-31', '2000-02-29', '2030-05-07', '9999-12-31'];
const edgeInstants = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2030-03-10T06:30:00Z',
  '2030-05-07T15:00:00Z',
  '2030-11-03T05:30:00.123456789Z',
  '2030-05-07T15:00:00+14:00',
  '9999-12-31T23:59:59.999Z',
];

/** Instants of the next few years on a quarter hour: what real requests carry. */
const ordinaryInstants = fc.integer({ min: Date.UTC(2026, 0, 1) / 900_000, max: Date.UTC(2031, 11, 31) / 900_000 }).map((quarters) => new Date(quarters * 900_000));

const typesOf = (schema: JsonSchema): string[] => (schema.type === undefined ? (schema.properties ? ['object'] : []) : [schema.type].flat());

const lengthOk =
  (schema: JsonSchema) =>
  (s: string): boolean =>
    s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity);

function patternArbitrary(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return undefined;
  }
}

function conformingString(schema: JsonSchema): fc.Arbitrary<string> {
  const fits = lengthOk(schema);
  const options: Array<fc.Arbitrary<string>> = [];
  if (schema.format === 'date')
    options.push(
      ordinaryInstants.map((d) => d.toISOString().slice(0, 10)),
      ordinaryInstants.map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom(...edgeDates),
    );
  else if (schema.format === 'date-time')
    options.push(
      ordinaryInstants.map((d) => d.toISOString()),
      ordinaryInstants.map((d) => d.toISOString()),
      fc.constantFrom(...edgeInstants),
    );
  else if (schema.format === 'email') options.push(fc.constantFrom('a@b.co', `${'l'.repeat(64)}@example.com`, 'Fuzz.Parent+tag@Example.COM'), fc.emailAddress());
  else if (schema.format === 'uuid') options.push(fc.uuid());
  const matching = schema.pattern && options.length === 0 ? patternArbitrary(schema.pattern) : undefined;
  if (matching) options.push(matching.filter(fits));
  if (options.length > 0) return fc.oneof(...options);
  const max = schema.maxLength ?? HUGE;
  const min = schema.minLength ?? 0;
  const nasty = nastyStrings.filter(fits);
  const edges = [min > 0 ? 'x'.repeat(min) : '', 'y'.repeat(Math.min(max, HUGE))].filter(fits);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 24)) }) },
    { weight: 1, arbitrary: fc.constantFrom(...edges, ...nasty) },
  );
}

function conformingNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = Math.max(schema.minimum ?? -Number.MAX_SAFE_INTEGER, schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-9) : -Infinity);
  const high = Math.min(schema.maximum ?? Number.MAX_SAFE_INTEGER, schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-9) : Infinity);
  const edges = [low, high, low + 1, high - 1, 0, 1, -1, 30, 60].filter((n) => n >= low && n <= high && (!integer || Number.isInteger(n)));
  // Ordinary values: within 1000 of the allowed value nearest to 0.
  const center = Math.min(Math.max(0, low), high);
  const smallLow = integer ? Math.ceil(Math.max(low, center - 1000)) : Math.max(low, center - 1000);
  const smallHigh = integer ? Math.floor(Math.min(high, center + 1000)) : Math.min(high, center + 1000);
  if (smallLow > smallHigh) return fc.constantFrom(...(edges.length ? edges : [low]));
  const small = integer ? fc.integer({ min: smallLow, max: smallHigh }) : fc.double({ min: smallLow, max: smallHigh, noNaN: true });
  return fc.oneof(fc.constantFrom(...edges), small);
}

/** A value the schema accepts (as far as this subset of JSON Schema can tell). */
export function conforming(schema: JsonSchema, hints: Hints = noHints, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length) return fc.oneof(...branches.map((b) => conforming(b, hints, depth)));
  const types = typesOf(schema);
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          return conformingString(schema);
        case 'integer':
          return conformingNumber(schema, true);
        case 'number':
          return conformingNumber(schema, false);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array': {
          const min = schema.minItems ?? 0;
          return fc.array(conforming(schema.items ?? {}, hints, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(schema.maxItems ?? 3, 3)) });
        }
        case 'object':
          return conformingObject(schema, hints, depth);
        default:
          return fc.jsonValue({ maxDepth: 1 });
      }
    }),
  );
}

/** A conforming value for a named field: mostly a hinted value when there are hints. */
export function conformingNamed(name: string, schema: JsonSchema, hints: Hints, depth = 0): fc.Arbitrary<unknown> {
  const known = hints(name);
  const any = conforming(schema, hints, depth);
  return known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: any }) : any;
}

function conformingObject(schema: JsonSchema, hints: Hints, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  if (depth > 4 || Object.keys(properties).length === 0) return fc.constant({});
  const required = new Set(schema.required ?? []);
  // An optional field is left out two times in three: combinations of optional fields are where cross-field rules refuse.
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, s]) => {
      const value = conformingNamed(name, s, hints, depth + 1);
      return [name, required.has(name) ? value : fc.oneof({ weight: 2, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: value })];
    }),
  );
  return fc.record(model).map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== ABSENT)));
}

const ABSENT = Symbol('absent');

const wrongKinds: readonly unknown[] = [null, true, false, [], {}, '', 'text', 0, -1, 1.5, [1, 'two', null], { nested: { deeper: [{}] } }];

/** A value the schema should refuse, or that tests its edges from outside. */
export function hostile(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = new Set(typesOf(schema));
  const pools: unknown[] = [...wrongKinds];
  if (schema.enum) pools.push('not-in-enum', String(schema.enum[0]).toUpperCase(), `${String(schema.enum[0])}\u0000`, ` ${String(schema.enum[0])}`);
  if (types.has('string') || types.size === 0) {
    pools.push(...nastyStrings, ...extremeNumbers);
    if (schema.format === 'date' || schema.format === 'date-time') pools.push(...badDates);
    if (schema.minLength) pools.push('');
    if (schema.maxLength !== undefined && schema.maxLength < HUGE) pools.push('z'.repeat(schema.maxLength + 1));
  }
  if (types.has('integer') || types.has('number')) {
    pools.push(...extremeNumbers, ...numberishStrings);
    if (schema.minimum !== undefined) pools.push(schema.minimum - 1);
    if (schema.maximum !== undefined) pools.push(schema.maximum + 1);
  }
  if (types.has('boolean')) pools.push('true', 'false', 1, 0, 'yes');
  if (types.has('array'))
    pools.push(
      Array.from({ length: 10_000 }, () => 1),
      [null],
      [[[[[]]]]],
      'a,b',
    );
  if (types.has('object')) pools.push([{}], 'object', JSON.parse('{"__proto__":{"polluted":true}}'));
  return fc.constantFrom(...pools);
}
