/** In-app notifications: written by the notification workflow, read and marked read by their user. */
import type { SqlExecutor } from '../../db/sql-client.js';

export interface InAppNotification {
  id: number;
  kind: string;
  title: string;
  body: string | null;
  data: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}

const columns = `id, kind, title, body, data,
  to_char(read_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "readAt",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

/** Writes a notification unless one with `idempotencyKey` exists; returns its id either way. */
export async function createInApp(
  sql: SqlExecutor,
  n: { userId: number; kind: string; title: string; body: string; data: Record<string, unknown>; idempotencyKey: string },
): Promise<number> {
  const [inserted] = await sql.query<{ id: number }>(
    `INSERT INTO notifications (user_id, kind, title, body, data, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [n.userId, n.kind, n.title, n.body, JSON.stringify(n.data), n.idempotencyKey],
  );
  if (inserted) return inserted.id;
  const [existing] = await sql.query<{ id: number }>('SELECT id FROM notifications WHERE idempotency_key = $1', [n.idempotencyKey]);
  if (!existing) throw new Error(`notification ${n.idempotencyKey} vanished`);
  return existing.id;
}

/** A page of the user's own notifications, newest first; `unread` filters on read state. */
export async function listInApp(
  sql: SqlExecutor,
  userId: number,
  query: { unread?: boolean | undefined; limit: number; offset: number },
): Promise<{ rows: InAppNotification[]; total: number; unread: number }> {
  const filter = query.unread === undefined ? '' : query.unread ? 'AND read_at IS NULL' : 'AND read_at IS NOT NULL';
  const rows = await sql.query<InAppNotification>(`SELECT ${columns} FROM notifications WHERE user_id = $1 ${filter} ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, [
    userId,
    query.limit,
    query.offset,
  ]);
  const [counts] = await sql.query<{ total: number; unread: number }>(
    `SELECT count(*) FILTER (WHERE true ${filter})::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread
     FROM notifications WHERE user_id = $1`,
    [userId],
  );
  return { rows, total: counts?.total ?? 0, unread: counts?.unread ?? 0 };
}

/** Marks the user's notification read (keeps the first read time); undefined when it is not theirs. */
export async function markRead(sql: SqlExecutor, userId: number, id: number): Promise<InAppNotification | undefined> {
  const [row] = await sql.query<InAppNotification>(`UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${columns}`, [id, userId]);
  return row;
}
