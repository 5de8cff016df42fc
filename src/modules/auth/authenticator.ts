import { decodeJwt } from 'jose';
import type { ChangeFeed } from '../../db/change-feed.js';
import type { SqlClient } from '../../db/sql-client.js';
import type { Role } from './access.js';
import type { SupabaseTokens } from './supabase.js';
import { SESSION_VERSION_SQL, TOKEN_ISSUER, type AccessTokens, type Principal } from './tokens.js';
import { registerUserAuthCache, UserAuthCache } from './user-cache.js';

interface UserAuthRow {
  id: number;
  role: Role;
  email: string;
  is_active: boolean;
  valid_after: number | null;
  session_version: number;
}

const userColumns = `id, role, email, is_active, floor(extract(epoch FROM tokens_valid_after))::float8 AS valid_after,
  ${SESSION_VERSION_SQL} AS session_version`;

/**
 * Turns a bearer token into a principal: our own access tokens, or Supabase's when configured
 * (mapped to our user by supabase_user_id, or by e-mail on first sight and then linked).
 * Every call checks the user row (from a cache kept exact by NOTIFY, see user-cache.ts), so a
 * deactivated user or a token issued before a password change is refused at once; the role comes
 * from the database, not from the token. Our tokens carry the
 * user's session version (see SESSION_VERSION_SQL); tokens without it (Supabase's) are compared by
 * their whole-second `iat` with users.tokens_valid_after.
 */
export class Authenticator {
  private readonly users: UserAuthCache<UserAuthRow>;
  private readonly unregister: () => void;

  constructor(
    private readonly sql: SqlClient,
    private readonly tokens: AccessTokens,
    private readonly supabase: SupabaseTokens | undefined,
    feed: ChangeFeed,
  ) {
    this.users = new UserAuthCache<UserAuthRow>(feed);
    this.unregister = registerUserAuthCache(this.sql, this.users as UserAuthCache<unknown>);
  }

  /** Stops taking this process's synchronous invalidations (the feed itself is stopped by its owner). */
  stop(): void {
    this.unregister();
    this.users.clear();
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    let issuer: unknown = TOKEN_ISSUER;
    const recalled = this.tokens.recall(token);
    if (!recalled) {
      try {
        issuer = decodeJwt(token).iss;
      } catch {
        return undefined;
      }
    }
    if (issuer === TOKEN_ISSUER) {
      const verified = recalled ?? (await this.tokens.verify(token));
      if (!verified) return undefined;
      const user = await this.users.read(verified.userId, async () => {
        const [row] = await this.sql.query<UserAuthRow>(`SELECT ${userColumns} FROM users WHERE id = $1`, [verified.userId]);
        return row;
      });
      return this.accept(user, verified.issuedAt, verified.sessionVersion);
    }
    if (!this.supabase) return undefined;
    const identity = await this.supabase.verify(token);
    if (!identity) return undefined;
    let [user] = await this.sql.query<UserAuthRow>(`SELECT ${userColumns} FROM users WHERE supabase_user_id = $1`, [identity.supabaseUserId]);
    if (!user && identity.email) {
      [user] = await this.sql.query<UserAuthRow>(
        `UPDATE users SET supabase_user_id = $1
         WHERE lower(email) = $2 AND supabase_user_id IS NULL
         RETURNING ${userColumns}`,
        [identity.supabaseUserId, identity.email],
      );
    }
    return this.accept(user, identity.issuedAt);
  }

  private accept(user: UserAuthRow | undefined, issuedAt: number, sessionVersion?: number): Principal | undefined {
    if (!user?.is_active) return undefined;
    if (sessionVersion !== undefined) {
      if (sessionVersion < Number(user.session_version)) return undefined;
    } else if (user.valid_after !== null && issuedAt < user.valid_after) return undefined;
    return { userId: user.id, role: user.role, email: user.email };
  }
}
