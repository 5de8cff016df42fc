import type { SqlExecutor } from '../../../db/sql-client.js';

/**
 * Closes a family's accounts (inside the caller's transaction): the parent inactive with every
 * session ended (tokens issued before now are refused, refresh tokens revoked), calendar feeds
 * revoked, the children inactive (left the school). Idempotent.
 */
export async function closeFamilyAccounts(sql: SqlExecutor, parentId: number): Promise<{ students: number }> {
  await sql.query('UPDATE users SET is_active = false, tokens_valid_after = now(), updated_at = now() WHERE id = $1', [parentId]);
  await sql.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [parentId]);
  await sql.query('UPDATE calendar_feeds SET revoked_at = now() WHERE parent_id = $1 AND revoked_at IS NULL', [parentId]);
  const students = await sql.query('UPDATE students SET is_active = false, updated_at = now() WHERE parent_id = $1 RETURNING id', [parentId]);
  return { students: students.length };
}
