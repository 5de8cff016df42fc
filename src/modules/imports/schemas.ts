import { z } from 'zod';
import { pageQuery } from '../../http/pagination.js';
import { importKinds } from './columns.js';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/** `?mapping={"Your header":"field"}`: JSON object, file header → field of the kind. */
const mapping = z
  .string()
  .max(4_000)
  .transform((text, ctx) => {
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')) {
        return value as Record<string, string>;
      }
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object of strings: {"Your header": "field"}' });
    return z.NEVER;
  });

export const importQuery = z.object({
  kind: z.enum(importKinds).describe('What the file holds: families (a parent and a child per row), teachers, or weekly-hours'),
  dryRun: flag.describe('true: answer what would happen, change nothing'),
  invite: flag.describe('true: new parents and teachers get the set-password e-mail (default: no mail)'),
  mapping: mapping.optional().describe('JSON object mapping headers of the file to fields, for headers not recognised'),
  fileName: z.string().trim().min(1).max(200).optional().describe('Shown in the import status'),
});
export type ImportQuery = z.infer<typeof importQuery>;

/** The body: the CSV text (Content-Type text/csv), or JSON `{csv, mapping?}`. */
export const importBody = z.union([
  z.string().describe('The CSV file (Content-Type: text/csv), UTF-8, header row first'),
  z.object({ csv: z.string().min(1), mapping: z.record(z.string(), z.string()).optional() }),
]);

const rowError = z.object({ column: z.string(), message: z.string() });

export const dryRunAnswer = z.object({
  kind: z.enum(importKinds),
  dryRun: z.literal(true),
  totals: z.object({ total: z.number().int(), created: z.number().int(), updated: z.number().int(), skipped: z.number().int(), errors: z.number().int() }),
  rows: z.array(z.object({ row: z.number().int(), outcome: z.enum(['created', 'updated', 'skipped', 'error']), errors: z.array(rowError) })),
  ignoredColumns: z.array(z.string()),
});

export const startedImport = z.object({ importId: z.number().int(), runId: z.string(), statusUrl: z.string(), ignoredColumns: z.array(z.string()) });

export const importStatuses = ['pending', 'running', 'completed', 'failed'] as const;

export const importView = z.object({
  id: z.number().int(),
  kind: z.enum(importKinds),
  status: z.enum(importStatuses),
  fileName: z.string().nullable(),
  invite: z.boolean(),
  runId: z.string().nullable(),
  counts: z.object({
    total: z.number().int(),
    processed: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    errors: z.number().int(),
  }),
  /** Rows refused, in file order: `row` is the line of the file (the header is line 1). */
  errors: z.array(z.object({ row: z.number().int(), errors: z.array(rowError) })),
  failure: z.string().nullable(),
  createdBy: z.number().int().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportView = z.infer<typeof importView>;

export const importListQuery = pageQuery;
