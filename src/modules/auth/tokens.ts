import { createSecretKey, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { roles, type Role } from './access.js';

/** Who is calling, from a verified access token. */
export interface Principal {
  userId: number;
  role: Role;
  email: string;
}

/** A verified token of ours: the principal it names and when it was issued (epoch seconds). */
export interface VerifiedAccessToken extends Principal {
  issuedAt: number;
  /** The user's session version when the token was signed (claim `sv`); undefined for tokens without it. */
  sessionVersion: number | undefined;
}

/**
 * A user's session version: users.tokens_valid_after in epoch microseconds (0 when never set).
 * Every access token carries the version current when it was signed (claim `sv`), and a token whose
 * version is older than the user's is refused. This ends every earlier session exactly at a password
 * change or deactivation, even within the same second (`iat` has whole-second precision only), and
 * needs no agreement between the clocks of the app and the database.
 */
export const SESSION_VERSION_SQL = `coalesce((extract(epoch FROM tokens_valid_after) * 1000000)::bigint, 0)`;

export const TOKEN_ISSUER = 'cedar-heights';

/** Access-token lifetime in seconds. Default 15 minutes. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const AUDIENCE = 'authenticated';

/**
 * Short-lived HS256 access tokens with Supabase-compatible claims:
 * `sub` (our user id), `role: "authenticated"`, `aud: "authenticated"`, `email`, `exp`,
 * plus `app_role` (admin | teacher | parent).
 */
export class AccessTokens {
  /** A KeyObject, so jose does not re-import raw key bytes on every sign and verify. */
  private readonly key: KeyObject;
  /**
   * Tokens already verified, by their exact text (so signature, audience and issuer hold), with
   * their expiry in epoch seconds: a client sends the same token many times, and HMAC checking
   * through WebCrypto costs more than the rest of a cached read.
   */
  private readonly verified = new LRUCache<string, { token: VerifiedAccessToken; expiresAt: number }>({ max: 10_000 });

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** Signs an access token; `sessionVersion` (see SESSION_VERSION_SQL) becomes the `sv` claim. */
  async sign(principal: Principal, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS, sessionVersion?: number): Promise<string> {
    const claims: Record<string, unknown> = { role: 'authenticated', email: principal.email, app_role: principal.role };
    if (sessionVersion !== undefined) claims.sv = sessionVersion;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(principal.userId))
      .setAudience(AUDIENCE)
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.key);
  }

  /** The verification of a token this instance verified before and that has not expired since; else undefined. */
  recall(token: string): VerifiedAccessToken | undefined {
    const known = this.verified.get(token);
    if (!known) return undefined;
    if (known.expiresAt > Math.floor(Date.now() / 1000)) return known.token;
    this.verified.delete(token);
    return undefined;
  }

  /** Verifies signature (HS256 only), audience, issuer and expiry; undefined when the token is not valid. */
  async verify(token: string): Promise<VerifiedAccessToken | undefined> {
    const known = this.recall(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], audience: AUDIENCE, issuer: TOKEN_ISSUER });
      const userId = Number(payload.sub);
      const role = payload.app_role;
      if (!Number.isSafeInteger(userId) || typeof role !== 'string' || !(roles as readonly string[]).includes(role)) return undefined;
      const verified: VerifiedAccessToken = {
        userId,
        role: role as Role,
        email: typeof payload.email === 'string' ? payload.email : '',
        issuedAt: typeof payload.iat === 'number' ? payload.iat : 0,
        sessionVersion: typeof payload.sv === 'number' && Number.isSafeInteger(payload.sv) ? payload.sv : undefined,
      };
      if (typeof payload.exp === 'number') this.verified.set(token, { token: verified, expiresAt: payload.exp });
      return verified;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return undefined;
      throw error;
    }
  }
}
