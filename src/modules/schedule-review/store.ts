/**
 * The `schedule_reviews` table: a review is stored once per run; its suggestions keep their own
 * status. Reads and decisions of the office run as the caller (row-level security: admins only);
 * the workflow stores as the database owner.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { conflict, notFound } from '../../http/errors.js';
import type { ScheduleFigures, StoredSuggestion, Suggestion, SuggestionStatus } from './types.js';

export interface ReviewRow {
  id: number;
  range_from: string;
  range_to: string;
  figures: ScheduleFigures;
  summary: string;
  suggestions: StoredSuggestion[];
  source: string;
  rules_reason: string | null;
  shared: unknown;
  run_id: string | null;
  created_at: Date;
}

const columns = `id, range_from::text, range_to::text, figures, summary, suggestions, source, rules_reason, shared, run_id, created_at`;

/** Stores the review of run `runId` (once: a second call returns the first review's id). */
export async function storeReview(
  sql: SqlExecutor,
  review: { runId: string; figures: ScheduleFigures; summary: string; suggestions: Suggestion[]; source: string; rulesReason: string | null; shared: unknown },
): Promise<number> {
  const suggestions: StoredSuggestion[] = review.suggestions.map((s) => ({ ...s, status: 'proposed', outcome: null, decidedAt: null, decidedBy: null }));
  const [inserted] = await sql.query<{ id: number }>(
    `INSERT INTO schedule_reviews (range_from, range_to, figures, summary, suggestions, source, rules_reason, shared, run_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id) DO NOTHING RETURNING id`,
    [
      review.figures.from,
      review.figures.to,
      JSON.stringify(review.figures),
      review.summary,
      JSON.stringify(suggestions),
      review.source,
      review.rulesReason,
      JSON.stringify(review.shared),
      review.runId,
    ],
  );
  if (inserted) return inserted.id;
  const [existing] = await sql.query<{ id: number }>(`SELECT id FROM schedule_reviews WHERE run_id = $1`, [review.runId]);
  if (!existing) throw new Error(`schedule review of run ${review.runId} vanished`);
  return existing.id;
}

export async function readReview(sql: SqlExecutor, id: number, lock = false): Promise<ReviewRow> {
  const [row] = await sql.query<ReviewRow>(`SELECT ${columns} FROM schedule_reviews WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  if (!row) throw notFound(`Schedule review ${id}`);
  return row;
}

export async function listReviews(sql: SqlExecutor, page: { limit: number; offset: number }): Promise<{ rows: ReviewRow[]; total: number }> {
  const rows = await sql.query<ReviewRow>(`SELECT ${columns} FROM schedule_reviews ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`, [page.limit, page.offset]);
  const [count] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM schedule_reviews`);
  return { rows, total: count?.n ?? 0 };
}

/** An apply that has not finished after this long (ms; its process died) no longer holds the suggestion. */
export const CLAIM_EXPIRES_MS = 10 * 60_000;

/** The suggestion at `index`, which must still be proposed and not being applied (404, 409). */
export function proposedAt(row: ReviewRow, index: number, now: number): StoredSuggestion {
  const s = row.suggestions[index];
  if (!s) throw notFound(`Suggestion ${index} of schedule review ${row.id}`);
  if (s.status !== 'proposed') throw conflict(`Suggestion ${index} of schedule review ${row.id} is already ${s.status}; nothing was changed`);
  if (s.claimedAt && now - Date.parse(s.claimedAt) < CLAIM_EXPIRES_MS) throw conflict(`Suggestion ${index} of schedule review ${row.id} is being applied (since ${s.claimedAt})`);
  return s;
}

/** Writes the suggestion at `index` (in the transaction `tx`). */
export async function writeSuggestion(tx: SqlExecutor, id: number, index: number, value: StoredSuggestion): Promise<void> {
  await tx.query(`UPDATE schedule_reviews SET suggestions = jsonb_set(suggestions, ARRAY[$2::text], $3::jsonb) WHERE id = $1`, [id, String(index), JSON.stringify(value)]);
}

/** The suggestion decided: `status` with its outcome, by `userId`, now. */
export const decided = (s: StoredSuggestion, status: SuggestionStatus, outcome: string, userId: number | null, now: number): StoredSuggestion => ({
  ...s,
  status,
  outcome,
  decidedAt: new Date(now).toISOString(),
  decidedBy: userId,
  claimedAt: null,
});
