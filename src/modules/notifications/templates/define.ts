/**
 * The shape of a template source and the field builders its data schema uses. Sources are
 * Handlebars strings kept in TS modules (no runtime file reads), compiled once by render.ts.
 *
 * Every template sees, besides its own data:
 * - `school.name`, `school.email`, `school.phone`, `school.timezone` (from the `school` setting);
 * - `recipientName` (the user's first name, the request's `name`, or "there").
 * Helpers: `{{datetime iso}}`, `{{date iso}}` (in the school's zone), `{{money cents currency}}`,
 * `{{paragraphs text}}` (escaped, line breaks kept; HTML only).
 */
import { z } from 'zod';

/** A template's data schema: a flat object (TemplateData). Optional fields must default to null. */
export type TemplateDataSchema = z.ZodObject<Record<string, z.ZodType<string | number | boolean | null>>>;

export interface TemplateSource<S extends TemplateDataSchema = TemplateDataSchema> {
  /** What the template needs; checked when the notification is requested (fails loudly). */
  readonly data: S;
  /** Subject line (not HTML-escaped; mail headers are encoded by nodemailer). */
  readonly subject: string;
  /** Body of the HTML part, wrapped in the school's layout; every `{{x}}` is HTML-escaped. */
  readonly html: string;
  /** Plain-text part (not escaped), followed by the school's signature. */
  readonly text: string;
  /** SMS body (plain text, short). Default: "<school name>: <subject>". */
  readonly sms?: string;
  /** Sample data: documents the template and is rendered by the tests. */
  readonly example: z.input<S>;
}

/** Identity function that keeps the schema's type for `example`. */
export const defineTemplate = <S extends TemplateDataSchema>(source: TemplateSource<S>): TemplateSource<S> => source;

/** Field builders for template data. */
export const field = {
  text: () => z.string().trim().min(1),
  optionalText: () => z.string().trim().min(1).nullable().default(null),
  /** An instant, ISO 8601 with offset. */
  instant: () => z.iso.datetime({ offset: true }),
  optionalInstant: () => z.iso.datetime({ offset: true }).nullable().default(null),
  count: () => z.number().int().min(0),
  cents: () => z.number().int(),
  currency: () =>
    z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CAD')
      .default('CAD'),
  url: () => z.url({ protocol: /^https?$/ }),
  flag: () => z.boolean().default(false),
  optionalId: () =>
    z
      .union([z.number().int(), z.string().min(1)])
      .nullable()
      .default(null),
};
