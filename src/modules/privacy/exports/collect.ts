/**
 * Runs every family source (sources.ts) for one subject and hands back the rows, ready to be
 * written: instants as ISO 8601 strings, secrets and teacher-only columns removed, one-time link
 * tokens in texts replaced by `[removed]`.
 */
import type { SqlExecutor } from '../../../db/sql-client.js';
import { type FamilySource, familySources } from './sources.js';

/** A JSON value as it is written to the zip. */
export type ExportValue = string | number | boolean | null | ExportValue[] | { [key: string]: ExportValue };
export type ExportRow = Record<string, ExportValue>;

export interface CollectedKind {
  source: FamilySource;
  rows: ExportRow[];
}

/**
 * Keys never exported, at any depth (a lesson's private notes inside an audit snapshot included):
 * teacher and office notes, password and token hashes, card tokens of pending enrollment forms.
 */
const WITHHELD_KEYS = new Set([
  'private_notes',
  'privateNotes',
  'password_hash',
  'passwordHash',
  'token_hash',
  'tokenHash',
  'feed_token',
  'feedToken',
  'paymentToken',
  'payment_token',
]);

/** `?token=…` / `&token=…` in a text (password, confirmation and status links): the token goes. */
const LINK_TOKEN = /([?&]token=)[^\s&"'<>]+/g;

function clean(value: unknown): ExportValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'string') return value.replace(LINK_TOKEN, '$1[removed]');
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(clean);
  if (typeof value === 'object') return scrubRow(value as Record<string, unknown>);
  return String(value);
}

/** A row with withheld keys removed (recursively) and every value made plain JSON. */
export function scrubRow(row: Record<string, unknown>): ExportRow {
  const out: ExportRow = {};
  for (const [key, value] of Object.entries(row)) {
    if (!WITHHELD_KEYS.has(key)) out[key] = clean(value);
  }
  return out;
}

/** Every source's rows for `userId`, read with `sql` (one transaction: pass the node's executor). */
export async function collectFamilyData(sql: SqlExecutor, userId: number, sources: readonly FamilySource[] = familySources): Promise<CollectedKind[]> {
  const collected: CollectedKind[] = [];
  for (const source of sources) {
    const rows = await sql.query<Record<string, unknown>>(source.sql, [userId]);
    const withheld = new Set(source.withhold ?? []);
    const kept = withheld.size === 0 ? rows : rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !withheld.has(key))));
    collected.push({ source, rows: kept.map(scrubRow) });
  }
  return collected;
}
