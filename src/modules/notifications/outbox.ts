/**
 * The outbox: every e-mail and SMS, written before any send is attempted, with its delivery state
 * (statuses documented in migrations/0008_notifications.sql). Senders claim an attempt, send, and
 * record the outcome here; the admin reads it at GET /api/v1/outbox.
 */
import type { SqlExecutor } from '../../db/sql-client.js';

/** An e-mail to send, kept in the outbox until a transport delivers it. */
export interface OutgoingEmail {
  to: string;
  userId?: number | null;
  /** Template name, e.g. `password_reset`. */
  template: string;
  subject: string;
  text: string;
  html?: string;
  /** Same key twice → one message. */
  idempotencyKey?: string;
}

/**
 * Queues an e-mail in the outbox (status `pending`, no run): the `outbox-dispatch` workflow
 * delivers it. Returns its id, or undefined when the key was used.
 */
export async function queueEmail(sql: SqlExecutor, email: OutgoingEmail): Promise<number | undefined> {
  const rows = await sql.query<{ id: number }>(
    `INSERT INTO outbox (channel, recipient, user_id, template, subject, body_text, body_html, idempotency_key)
     VALUES ('email', $1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id`,
    [email.to, email.userId ?? null, email.template, email.subject, email.text, email.html ?? null, email.idempotencyKey ?? null],
  );
  return rows[0]?.id;
}

export type OutboxStatus = 'pending' | 'sending' | 'retrying' | 'sent' | 'kept' | 'failed';
export const finalOutboxStatuses: ReadonlySet<OutboxStatus> = new Set(['sent', 'kept', 'failed']);

/** An outbox row as senders use it. */
export interface OutboxRow {
  id: number;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  bodyText: string | null;
  bodyHtml: string | null;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  provider: string | null;
  providerMessageId: string | null;
}

const rowColumns = `id, channel, recipient, subject, body_text AS "bodyText", body_html AS "bodyHtml", status, attempts,
  last_error AS "lastError", provider, provider_message_id AS "providerMessageId"`;

/** A message of a notification run, keyed by the node's idempotency key. */
export interface RunMessage {
  channel: 'email' | 'sms';
  to: string;
  userId: number | null;
  template: string;
  subject: string | null;
  text: string;
  html: string | null;
  idempotencyKey: string;
  runId: string;
}

/** Inserts the row unless its key exists; returns the row either way (a resumed run finds its own). */
export async function ensureOutboxRow(sql: SqlExecutor, m: RunMessage): Promise<OutboxRow> {
  const inserted = await sql.query<OutboxRow>(
    `INSERT INTO outbox (channel, recipient, user_id, template, subject, body_text, body_html, idempotency_key, run_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING ${rowColumns}`,
    [m.channel, m.to, m.userId, m.template, m.subject, m.text, m.html, m.idempotencyKey, m.runId],
  );
  if (inserted[0]) return inserted[0];
  const [existing] = await sql.query<OutboxRow>(`SELECT ${rowColumns} FROM outbox WHERE idempotency_key = $1`, [m.idempotencyKey]);
  if (!existing) throw new Error(`outbox row ${m.idempotencyKey} vanished`);
  return existing;
}

/** Marks an attempt as started (status `sending`, attempts + 1); undefined when the row is already final. */
export async function claimAttempt(sql: SqlExecutor, id: number): Promise<OutboxRow | undefined> {
  const [row] = await sql.query<OutboxRow>(
    `UPDATE outbox SET status = 'sending', attempts = attempts + 1
     WHERE id = $1 AND status NOT IN ('sent', 'kept', 'failed') RETURNING ${rowColumns}`,
    [id],
  );
  return row;
}

/** Records a successful hand-over: `sent` (a provider took it) or `kept` (no transport configured). */
export async function recordDelivered(sql: SqlExecutor, id: number, outcome: { status: 'sent' | 'kept'; provider: string; providerMessageId: string }): Promise<void> {
  await sql.query(
    `UPDATE outbox SET status = $2, provider = $3, provider_message_id = $4, sent_at = CASE WHEN $2 = 'sent' THEN now() END
     WHERE id = $1`,
    [id, outcome.status, outcome.provider, outcome.providerMessageId],
  );
}

/** Records a failed attempt: `retrying` (after `retryAfterMs`, if given) or, when `final`, `failed`. */
export async function recordFailure(sql: SqlExecutor, id: number, failure: { error: string; provider: string; final: boolean; retryAfterMs?: number }): Promise<void> {
  await sql.query(
    `UPDATE outbox SET status = $2, last_error = $3, provider = $4,
       send_after = now() + make_interval(secs => $5::double precision / 1000)
     WHERE id = $1`,
    [id, failure.final ? 'failed' : 'retrying', failure.error.slice(0, 2000), failure.provider, failure.retryAfterMs ?? 0],
  );
}

/** Reads one row by id. */
export async function outboxRow(sql: SqlExecutor, id: number): Promise<OutboxRow | undefined> {
  const [row] = await sql.query<OutboxRow>(`SELECT ${rowColumns} FROM outbox WHERE id = $1`, [id]);
  return row;
}
