import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SqlClient, SqlExecutor } from '../../db/sql-client.js';

/** Refresh-token lifetime in days. Default 30. */
export const REFRESH_TOKEN_TTL_DAYS = 30;

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A new opaque token: 32 random bytes, base64url. */
export const newOpaqueToken = (): string => randomBytes(32).toString('base64url');

export interface RequestMeta {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export type RotateOutcome =
  | { kind: 'rotated'; userId: number; token: string }
  | { kind: 'reused'; userId: number } // a used token came back: the family is now revoked
  | { kind: 'invalid' };

/**
 * Opaque refresh tokens kept as SHA-256 hashes, in families: rotation marks the presented token
 * used and issues its successor; presenting a used token revokes the whole family (a stolen token
 * and the legitimate one can no longer both be used).
 */
export class RefreshTokens {
  constructor(private readonly sql: SqlClient) {}

  async issue(userId: number, meta: RequestMeta, familyId: string = randomUUID()): Promise<string> {
    const token = newOpaqueToken();
    await this.sql.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, ip, user_agent)
       VALUES ($1, $2, $3, now() + make_interval(days => $4), $5, $6)`,
      [userId, familyId, sha256(token), REFRESH_TOKEN_TTL_DAYS, meta.ip ?? null, meta.userAgent?.slice(0, 300) ?? null],
    );
    return token;
  }

  async rotate(token: string, meta: RequestMeta): Promise<RotateOutcome> {
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number; user_id: number; family_id: string; used: boolean; dead: boolean; active: boolean }>(
        `SELECT r.id, r.user_id, r.family_id, r.used_at IS NOT NULL AS used,
                (r.revoked_at IS NOT NULL OR r.expires_at <= now()) AS dead, u.is_active AS active
         FROM refresh_tokens r JOIN users u ON u.id = r.user_id
         WHERE r.token_hash = $1 FOR UPDATE OF r`,
        [sha256(token)],
      );
      if (!row || row.dead || !row.active) return { kind: 'invalid' } as const;
      if (row.used) {
        await tx.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id]);
        return { kind: 'reused', userId: row.user_id } as const;
      }
      await tx.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1', [row.id]);
      const next = newOpaqueToken();
      await tx.query(
        `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, now() + make_interval(days => $4), $5, $6)`,
        [row.user_id, row.family_id, sha256(next), REFRESH_TOKEN_TTL_DAYS, meta.ip ?? null, meta.userAgent?.slice(0, 300) ?? null],
      );
      return { kind: 'rotated', userId: row.user_id, token: next } as const;
    });
  }

  /** Revokes the family of `token` (logout). Returns false when the token is unknown. */
  async revokeFamilyOf(token: string, userId?: number): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())
       WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND ($2::int IS NULL OR user_id = $2))
       RETURNING 1`,
      [sha256(token), userId ?? null],
    );
    return rows.length > 0;
  }

  /** Revokes every session of a user (deactivation, password change or reset); on `executor` when given (a transaction). */
  async revokeAllFor(userId: number, executor: SqlExecutor = this.sql): Promise<void> {
    await executor.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  }
}
