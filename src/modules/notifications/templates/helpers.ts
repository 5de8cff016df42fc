/**
 * The private Handlebars environment of the school's templates, with its helpers, and a check that
 * a template only reads the variables it declares (run when templates are compiled, at import).
 */
import Handlebars from 'handlebars';

/** One environment for every template: helpers registered once, nothing global touched. */
export const hbs = Handlebars.create();

interface HelperOptions {
  data?: { root?: { school?: { timezone?: string } } };
}

const zoneOf = (options: HelperOptions): string => options.data?.root?.school?.timezone ?? 'UTC';

function instant(value: unknown, helper: string): Date {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) throw new Error(`${helper}: "${String(value)}" is not an ISO instant`);
  return date;
}

/** "Tuesday, May 7, 2030 at 5:00 p.m. ADT" style, in the school's zone. */
hbs.registerHelper('datetime', (value: unknown, options: HelperOptions) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: zoneOf(options),
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(instant(value, 'datetime')),
);

/** "Tuesday, May 7, 2030", in the school's zone. */
hbs.registerHelper('date', (value: unknown, options: HelperOptions) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zoneOf(options), weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(instant(value, 'date')),
);

/** Integer cents → "$45.00 CAD". */
hbs.registerHelper('money', (cents: unknown, currency: unknown) => {
  if (typeof cents !== 'number' || !Number.isInteger(cents)) throw new Error(`money: ${String(cents)} is not integer cents`);
  const code = typeof currency === 'string' ? currency : 'CAD';
  const amount = new Intl.NumberFormat('en-CA', { style: 'currency', currency: code, currencyDisplay: 'narrowSymbol' }).format(cents / 100);
  return `${amount} ${code}`;
});

/** Escaped text with its line breaks as <br> (HTML parts only). */
hbs.registerHelper('paragraphs', (text: unknown) => new hbs.SafeString(hbs.Utils.escapeExpression(String(text)).replace(/\r?\n/g, '<br>\n')));

const helperNames = new Set(['if', 'unless', 'each', 'with', 'datetime', 'date', 'money', 'paragraphs']);

type AstNode = { type: string; [key: string]: unknown };

/**
 * The variables a template reads that are not in `allowed` (first path segment). Helper names are
 * not variables; `this` and `@data` are ignored. Handlebars' strict mode only catches plain
 * `{{x}}`, not helper arguments or `{{#if x}}`, hence this walk of the AST.
 */
export function unknownVariables(source: string, allowed: ReadonlySet<string>): string[] {
  const unknown = new Set<string>();
  const visit = (node: unknown, helperPosition = false): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as AstNode;
    if (n.type === 'PathExpression') {
      const { parts, data, original } = n as unknown as { parts: string[]; data: boolean; original: string };
      const head = parts[0];
      if (data || head === undefined || original === 'this') return;
      if (helperPosition && helperNames.has(original)) return;
      if (!allowed.has(head)) unknown.add(original);
      return;
    }
    const hasArgs = Array.isArray(n.params) && n.params.length > 0;
    for (const [key, value] of Object.entries(n)) {
      if (key === 'loc' || key === 'type') continue;
      visit(value, key === 'path' && (hasArgs || n.type === 'BlockStatement'));
    }
  };
  visit(hbs.parse(source));
  return [...unknown];
}
