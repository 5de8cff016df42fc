/**
 * The smallest value a JSON schema (as the SDK sends it for structured output) accepts: the first
 * enum value, null where null is allowed, `minItems` items, every required property, strings of
 * their minimum length (dates for date formats and patterns). What the bench's stand-in answers
 * for a task it has no answer of its own for.
 */
type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  format?: string;
  pattern?: string;
};

const DATE = '2030-01-07';

function resolve(root: JsonSchema, ref: string): JsonSchema {
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part];
  return node as JsonSchema;
}

function sampleString(schema: JsonSchema): string {
  if (schema.format === 'date' || schema.pattern?.includes('\\d{4}-\\d{2}-\\d{2}$')) return DATE;
  if (schema.format === 'date-time') return `${DATE}T15:00:00Z`;
  return 'Bench answer.'.padEnd(schema.minLength ?? 0, '.');
}

export function sampleOf(schema: JsonSchema, root: JsonSchema = schema): unknown {
  if (schema.$ref) return sampleOf(resolve(root, schema.$ref), root);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return sampleOf(options.find((o) => o.type === 'null') ?? options[0]!, root);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sampleOf(s, root)));
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'object'];
  const type = types.includes('null') ? 'null' : types[0];
  switch (type) {
    case 'null':
      return null;
    case 'string':
      return sampleString(schema);
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items ?? {}, root));
    default:
      return Object.fromEntries((schema.required ?? Object.keys(schema.properties ?? {})).map((key) => [key, sampleOf(schema.properties?.[key] ?? {}, root)]));
  }
}

/** The JSON schema of a structured-output request (Responses, Chat Completions or Messages API), if any. */
export function requestedSchema(body: Record<string, unknown>): JsonSchema | undefined {
  const text = body.text as { format?: { schema?: JsonSchema } } | undefined;
  const chat = body.response_format as { json_schema?: { schema?: JsonSchema } } | undefined;
  return text?.format?.schema ?? chat?.json_schema?.schema;
}

/** The JSON between `<data>` and `</data>` in the request's user message (what the task shared). */
export function sharedData(raw: string): unknown {
  const body = JSON.parse(raw) as { input?: { role: string; content: string | { text?: string }[] }[] };
  const user = body.input?.find((m) => m.role === 'user');
  const text = typeof user?.content === 'string' ? user.content : (user?.content ?? []).map((c) => c.text ?? '').join('');
  const open = text.indexOf('<data>');
  const close = text.lastIndexOf('</data>');
  return open >= 0 && close > open ? JSON.parse(text.slice(open + '<data>'.length, close)) : undefined;
}
