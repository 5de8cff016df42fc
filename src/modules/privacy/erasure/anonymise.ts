/**
 * The anonymiser: applies personalDataPlaces (places.ts) to one family inside the caller's
 * transaction, so it is all or nothing and can run again after a crash (it finds the names it
 * needs while they are still there: a rolled-back run left them).
 */
import type { SqlExecutor } from '../../../db/sql-client.js';
import { redactWorkflowData } from '../../../engine/index.js';
import { personalDataPlaces, type PersonalDataPlace } from './places.js';

export interface ErasedFamily {
  parentId: number;
  requestId: number;
}

/** The label an erased family's records carry. */
export const erasedLabel = (requestId: number): string => `Erased family #${requestId}`;
/** The address an erased parent's account keeps (unique, never deliverable). */
export const erasedEmail = (parentId: number): string => `erased-${parentId}@erased.invalid`;

interface Terms {
  /** Matched everywhere: full names, e-mail addresses, phone numbers. */
  narrow: string[];
  /** Matched in the family's rows and rows mentioning the family: first and last names alone. */
  broad: string[];
  emails: string[];
  studentIds: number[];
}

async function termsOf(sql: SqlExecutor, parentId: number): Promise<Terms> {
  const people = await sql.query<{ id: number; first_name: string; last_name: string; email: string | null; phone: string | null; student: boolean }>(
    `SELECT id, first_name, last_name, email, phone, false AS student FROM users WHERE id = $1
     UNION ALL SELECT id, first_name, last_name, email, NULL, true FROM students WHERE parent_id = $1`,
    [parentId],
  );
  const narrow = new Set<string>();
  const broad = new Set<string>();
  for (const p of people) {
    narrow.add(`${p.first_name.trim()} ${p.last_name.trim()}`);
    for (const value of [p.email, p.phone]) if (value?.trim()) narrow.add(value.trim());
    for (const name of [p.first_name, p.last_name]) if (name.trim().length >= 2) broad.add(name.trim());
  }
  return {
    narrow: [...narrow],
    broad: [...broad],
    emails: people.flatMap((p) => (p.email ? [p.email.trim().toLowerCase()] : [])),
    studentIds: people.filter((p) => p.student).map((p) => p.id),
  };
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * Where a word may start: after no letter or digit, or right after a JSON escape (`\n` before a
 * name in JSON text must not hide it).
 */
const WORD_START = String.raw`(?:(?<![[:alnum:]_])|(?<=\\[nrtbf]))`;

/** One case-insensitive ARE pattern matching any of `terms` as whole words. */
export function patternOf(terms: readonly string[]): string {
  const alternatives = [...terms].sort((a, b) => b.length - a.length).map((term) => `${/^\w/.test(term) ? WORD_START : ''}${escapeRegex(term)}${/\w$/.test(term) ? '\\M' : ''}`);
  return `(?:${alternatives.join('|')})`;
}

const TOKEN_TYPES: Record<string, string> = { parent: 'int', students: 'int[]', request: 'int', label: 'text', email: 'text', emails: 'text[]' };

/** Binds the :tokens of a fragment as typed parameters. */
function bind(fragment: string, values: Record<string, unknown>, params: unknown[]): string {
  return fragment.replace(/(?<!:):(parent|students|request|label|email|emails)\b/g, (_match, name: string) => {
    params.push(values[name]);
    return `($${params.length}::${TOKEN_TYPES[name]})`;
  });
}

async function applyPlace(sql: SqlExecutor, place: PersonalDataPlace, values: Record<string, unknown>, terms: Terms, label: string): Promise<void> {
  if (place.where && (place.set || place.remove)) {
    const params: unknown[] = [];
    const where = bind(place.where, values, params);
    if (place.remove) await sql.query(`DELETE FROM ${place.table} WHERE ${where}`, params);
    else {
      const sets = Object.entries(place.set ?? {}).map(([column, value]) => `${column} = ${bind(value, values, params)}`);
      await sql.query(`UPDATE ${place.table} SET ${sets.join(', ')} WHERE ${where}`, params);
    }
  }
  for (const column of place.scrub ?? []) {
    const isJson = await columnIsJson(sql, place.table, column);
    const replaced = (param: string) => (isJson ? `regexp_replace(${column}::text, ${param}, $2, 'gi')::jsonb` : `regexp_replace(${column}, ${param}, $2, 'gi')`);
    const text = isJson ? `${column}::text` : column;
    await sql.query(`UPDATE ${place.table} SET ${column} = ${replaced('$1')} WHERE ${text} ~* $1`, [patternOf(terms.narrow), label]);
    if (terms.broad.length === 0) continue;
    const params: unknown[] = [patternOf(terms.broad), label, patternOf([label])];
    const own = place.where ? ` OR (${bind(place.where, values, params)})` : '';
    await sql.query(`UPDATE ${place.table} SET ${column} = ${replaced('$1')} WHERE ${text} ~* $1 AND (${text} ~* $3${own})`, params);
  }
}

const jsonColumns = new Map<string, boolean>();
async function columnIsJson(sql: SqlExecutor, table: string, column: string): Promise<boolean> {
  const key = `${table}.${column}`;
  const known = jsonColumns.get(key);
  if (known !== undefined) return known;
  const [row] = await sql.query<{ data_type: string }>(
    `SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  if (!row) throw new Error(`personalDataPlaces: ${key} does not exist`);
  const json = row.data_type === 'jsonb' || row.data_type === 'json';
  jsonColumns.set(key, json);
  return json;
}

/**
 * Anonymises the family of `parentId` everywhere personalDataPlaces lists, then in the workflow
 * engine's stored runs. Run it inside one transaction (`sql` its executor). Returns the label.
 */
export async function anonymiseFamily(sql: SqlExecutor, family: ErasedFamily): Promise<{ label: string; studentIds: number[] }> {
  const label = erasedLabel(family.requestId);
  const terms = await termsOf(sql, family.parentId);
  const values = { parent: family.parentId, students: terms.studentIds, request: family.requestId, label, email: erasedEmail(family.parentId), emails: terms.emails };
  for (const place of personalDataPlaces) await applyPlace(sql, place, values, terms, label);
  await redactWorkflowData(sql, patternOf(terms.narrow), label);
  if (terms.broad.length > 0) await redactWorkflowData(sql, patternOf(terms.broad), label, { runsMatching: patternOf([label]) });
  return { label, studentIds: terms.studentIds };
}
