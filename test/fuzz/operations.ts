/**
 * The operations to fuzz, read from the app's OpenAPI document (what `@fastify/swagger` serves at
 * /openapi.json), plus the routes the document hides (e.g. /metrics), which get schema-less fuzzing.
 */
import type { App } from '../../src/app.js';
import { guardedRoutes } from '../../src/modules/auth/guard.js';

/** The subset of JSON Schema (draft 2020-12, as Zod 4 emits it) the generators understand. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** Upper-case HTTP method. */
  method: string;
  /** OpenAPI path template, e.g. `/api/v1/students/{id}`. */
  path: string;
  /** `METHOD path`: names the operation in reports, seeds and FUZZ_ONLY. */
  key: string;
  pathParams: Parameter[];
  query: Parameter[];
  /** JSON body schema; undefined when the operation declares no JSON body. */
  body: JsonSchema | undefined;
  /** False for public operations (no `security` in the document). */
  secured: boolean;
}

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, OpenApiOperation>>;
}

const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Routes served by third-party plugins (docs UI assets) or answering only HEAD/OPTIONS: not the API. */
const notApi = (method: string, url: string): boolean => method === 'HEAD' || method === 'OPTIONS' || url === '/docs' || url.startsWith('/docs/');

/** Every operation of the document, then every hidden route of the app, sorted by key. */
export function operationsOf(app: App): Operation[] {
  const doc = app.swagger() as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [path, entries] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(entries)) {
      if (!methods.has(method)) continue;
      const params = op.parameters ?? [];
      const pick = (where: string): Parameter[] => params.filter((p) => p.in === where).map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} }));
      const upper = method.toUpperCase();
      operations.push({
        method: upper,
        path,
        key: `${upper} ${path}`,
        pathParams: pick('path'),
        query: pick('query'),
        body: op.requestBody?.content?.['application/json']?.schema,
        secured: (op.security ?? []).length > 0,
      });
    }
  }
  const documented = new Set(operations.map((o) => o.key));
  for (const route of guardedRoutes(app)) {
    if (notApi(route.method, route.url)) continue;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const key = `${route.method} ${path}`;
    if (documented.has(key)) continue;
    documented.add(key);
    const names = [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
    operations.push({
      method: route.method,
      path,
      key,
      pathParams: names.map((name) => ({ name, required: true, schema: { type: 'string' } })),
      query: [],
      body: undefined,
      secured: route.access !== 'public',
    });
  }
  return operations.sort((a, b) => a.key.localeCompare(b.key));
}
