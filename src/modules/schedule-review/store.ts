/**
 * The `schedule_reviews` table: a review is stored once per run, with its suggestions as drafted
 * (their decisions live in the approvals of the run, kind `schedule-suggestion`). Reads of the
 * office run as the caller (row-level security: admins only); the workflow stores as the database
 * owner.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { notFound } from '../../http/errors.js';
import type { ScheduleFigures, Suggestion } from './types.js';

export interface ReviewRow {
  id: number;
  range_from: string;
  range_to: string;
  figures: ScheduleFigures;
  summary: string;
  suggestions: Suggestion[];
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
  const [inserted] = await sql.query<{ id: number }>(
    `INSERT INTO schedule_reviews (range_from, range_to, figures, summary, suggestions, source, rules_reason, shared, run_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id) DO NOTHING RETURNING id`,
    [
      review.figures.from,
      review.figures.to,
      JSON.stringify(review.figures),
      review.summary,
      JSON.stringify(review.suggestions),
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

export async function readReview(sql: SqlExecutor, id: number): Promise<ReviewRow> {
  const [row] = await sql.query<ReviewRow>(`SELECT ${columns} FROM schedule_reviews WHERE id = $1`, [id]);
  if (!row) throw notFound(`Schedule review ${id}`);
  return row;
}

export async function listReviews(sql: SqlExecutor, page: { limit: number; offset: number }): Promise<{ rows: ReviewRow[]; total: number }> {
  const rows = await sql.query<ReviewRow>(`SELECT ${columns} FROM schedule_reviews ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`, [page.limit, page.offset]);
  const [count] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM schedule_reviews`);
  return { rows, total: count?.n ?? 0 };
}
