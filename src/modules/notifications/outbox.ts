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

/** Queues an e-mail in the outbox (status `pending`); returns its id, or undefined when the key was used. */
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
