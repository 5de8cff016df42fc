/**
 * Renders a template in the school's name: subject, HTML (escaped, in the school's layout), plain
 * text (with the school's signature) and an SMS body. Every template is compiled once, when this
 * module is first imported; a template that reads an undeclared variable fails that import.
 */
import type { z } from 'zod';
import type { TemplateDataSchema } from './templates/define.js';
import { hbs, unknownVariables } from './templates/helpers.js';
import { templateSources } from './templates/index.js';
import { templateNames, type TemplateData, type TemplateName } from './types.js';

/** The school as templates see it (`school.*`), from the `school` setting. */
export interface SchoolContext {
  name: string;
  email: string;
  phone: string;
  /** IANA zone in which instants are shown. */
  timezone: string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  /** Plain text with the school's signature (the e-mail's text part). */
  text: string;
  /** Plain text without signature (in-app notifications). */
  plain: string;
  sms: string;
}

/** Template data that does not match the template's declaration. */
export class TemplateDataError extends Error {
  override name = 'TemplateDataError';
  constructor(
    readonly template: TemplateName,
    /** `data.<field>: <problem>` for each problem. */
    readonly issues: Array<{ field: string; message: string }>,
  ) {
    super(`template ${template}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  }
}

type Compiled = (context: object) => string;

const layout = hbs.compile(
  `<!doctype html>
<html><head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="margin:0;padding:24px;background:#f6f5f2;font-family:Georgia,serif;color:#222">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:24px;border-radius:6px">
<h1 style="font-size:20px;margin:0 0 16px;color:#2f4f3a">{{school.name}}</h1>
{{{body}}}
<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px">
<p style="font-size:12px;color:#777">{{school.name}} · {{school.email}} · {{school.phone}}</p>
</div></body></html>`,
  { strict: true },
);
const signature = hbs.compile('\n\n-- \n{{school.name}}\n{{school.email}} · {{school.phone}}\n', { strict: true, noEscape: true });

interface CompiledTemplate {
  data: TemplateDataSchema;
  subject: Compiled;
  html: Compiled;
  text: Compiled;
  sms: Compiled;
}

function compileAll(): Record<TemplateName, CompiledTemplate> {
  const out = {} as Record<TemplateName, CompiledTemplate>;
  for (const name of templateNames) {
    const source = templateSources[name];
    const allowed = new Set(['school', 'recipientName', ...Object.keys(source.data.shape)]);
    // Default SMS: the subject, prefixed with the school's name unless it already names it.
    const sms = source.sms ?? '{{subject}}';
    for (const [part, text] of Object.entries({ subject: source.subject, html: source.html, text: source.text, sms })) {
      const unknown = unknownVariables(text, part === 'sms' ? new Set([...allowed, 'subject']) : allowed);
      if (unknown.length > 0) throw new Error(`template ${name} (${part}) reads undeclared variables: ${unknown.join(', ')}`);
    }
    out[name] = {
      data: source.data,
      subject: hbs.compile(source.subject, { strict: true, noEscape: true }),
      html: hbs.compile(source.html, { strict: true }),
      text: hbs.compile(source.text, { strict: true, noEscape: true }),
      sms: hbs.compile(sms, { strict: true, noEscape: true }),
    };
  }
  return out;
}

const compiled = compileAll();

/** The template's data parsed by its declaration (defaults filled in), or TemplateDataError. */
export function parseTemplateData(template: TemplateName, data: TemplateData): z.output<TemplateDataSchema> {
  const parsed = compiled[template].data.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new TemplateDataError(
    template,
    parsed.error.issues.map((issue) => ({ field: ['data', ...issue.path.map(String)].join('.'), message: issue.message })),
  );
}

/** Renders `template`; throws TemplateDataError on bad data. `recipientName` greets the reader. */
export function renderTemplate(template: TemplateName, data: TemplateData, context: { school: SchoolContext; recipientName: string }): RenderedMessage {
  const t = compiled[template];
  const vars = { ...parseTemplateData(template, data), school: context.school, recipientName: context.recipientName };
  const subject = t.subject(vars).replace(/\s+/g, ' ').trim();
  const body = t.html(vars);
  const sms = t
    .sms({ ...vars, subject })
    .replace(/\s+/g, ' ')
    .trim();
  const plain = t
    .text(vars)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return {
    subject,
    html: layout({ ...vars, subject, body }),
    text: `${plain}${signature(vars)}`,
    plain,
    sms: templateSources[template].sms || sms.includes(context.school.name) ? sms : `${context.school.name}: ${sms}`,
  };
}
