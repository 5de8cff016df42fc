import type { SqlClient, SqlExecutor } from '../../db/sql-client.js';
import type { Role } from './access.js';
import { AppError } from '../../http/errors.js';
import { queueTemplatedEmail } from '../notifications/mail.js';
import type { TemplateData } from '../notifications/types.js';
import { hashPassword, passwordNeedsRehash, verifyPassword } from './passwords.js';
import { newOpaqueToken, sha256, type RefreshTokens, type RequestMeta } from './refresh-tokens.js';
import { SESSION_VERSION_SQL, type AccessTokens } from './tokens.js';
import { invalidateUserAuth } from './user-cache.js';

/** Failed sign-ins allowed before the account is locked. */
export const LOCK_AFTER_FAILURES = 5;
/** First lock in seconds; each further failure doubles it, up to MAX_LOCK_SECONDS. */
export const FIRST_LOCK_SECONDS = 60;
export const MAX_LOCK_SECONDS = 3600;
/** Password reset links are valid this long, in minutes. */
export const RESET_TOKEN_TTL_MINUTES = 60;
/** Set-password links (sent to accounts an admin creates without a password) are valid this long, in minutes: 72 hours. */
export const SET_PASSWORD_TOKEN_TTL_MINUTES = 72 * 60;

/** Why a one-time password link is mailed: a reset asked for by its owner, or a new account's first password. */
export type PasswordLinkPurpose = 'password_reset' | 'set_password';

/**
 * Issues a one-time password token for `user` (earlier unused ones stop working) and queues the
 * e-mail with its link, on `tx` (so it commits with the caller's other writes). The token itself is
 * kept only as a SHA-256 hash; the plain token exists only in the e-mail. Both purposes are redeemed
 * by POST /api/v1/auth/password-reset/confirm.
 */
export async function issuePasswordLink(
  tx: SqlExecutor,
  user: { id: number; email: string; firstName: string },
  purpose: PasswordLinkPurpose,
  options: { publicAppUrl: string; schoolName?: string | undefined },
): Promise<void> {
  const token = newOpaqueToken();
  const ttlMinutes = purpose === 'set_password' ? SET_PASSWORD_TOKEN_TTL_MINUTES : RESET_TOKEN_TTL_MINUTES;
  await tx.query('UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [user.id]);
  await tx.query(`INSERT INTO password_reset_tokens (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3))`, [user.id, sha256(token), ttlMinutes]);
  const link = `${options.publicAppUrl}/${purpose === 'set_password' ? 'set-password' : 'reset-password'}?token=${encodeURIComponent(token)}`;
  const data: TemplateData = purpose === 'set_password' ? { link, ttlHours: ttlMinutes / 60, email: user.email } : { link, ttlMinutes };
  await queueTemplatedEmail(tx, { to: user.email, userId: user.id, recipientName: user.firstName, template: purpose, data, schoolName: options.schoolName });
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface Profile {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  role: Role;
  teacherId: number | null;
  children: Array<{ id: number; firstName: string; lastName: string; instrument: string; teacherId: number | null }>;
}

interface LoginRow {
  id: number;
  email: string;
  role: Role;
  password_hash: string | null;
  is_active: boolean;
  session_version: number;
}

/** What an access token is signed from. */
interface TokenSubject {
  id: number;
  role: Role;
  email: string;
  session_version: number;
}

const invalidCredentials = (): AppError => new AppError('unauthenticated', 'Invalid email or password');

export interface AuthServiceOptions {
  sql: SqlClient;
  tokens: AccessTokens;
  refreshTokens: RefreshTokens;
  accessTokenTtlSeconds: number;
  publicAppUrl: string;
  schoolName?: string;
  /** Called after a password link was queued and committed (e.g. to deliver the outbox at once). */
  onMailQueued?: () => void;
}

/** Sign-in, token rotation, profile, password change and reset. */
export class AuthService {
  /** Verified against when the e-mail is unknown, so both cases take the same time. */
  private readonly dummyHash: Promise<string> = hashPassword('not-a-real-password-for-timing');

  constructor(private readonly options: AuthServiceOptions) {}

  private async pair(user: TokenSubject, refreshToken: string): Promise<TokenPair> {
    const accessToken = await this.options.tokens.sign({ userId: user.id, role: user.role, email: user.email }, this.options.accessTokenTtlSeconds, Number(user.session_version));
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.options.accessTokenTtlSeconds };
  }

  /**
   * Checks e-mail and password. Every failure, whatever its cause (unknown e-mail, wrong password,
   * inactive or locked account), answers the same 401 so that addresses cannot be enumerated.
   * After LOCK_AFTER_FAILURES failures the account is locked for a doubling period.
   *
   * Race-free by reserving the attempt before the (slow, async) password check: one UPDATE counts
   * the attempt as a failure and, when it is the LOCK_AFTER_FAILURES-th, locks the account in the
   * same statement; a locked account reserves nothing and is refused untried. The row lock
   * serialises these statements, so however many sign-ins are in flight at once, at most
   * LOCK_AFTER_FAILURES passwords are ever verified before the lock (and one after each lock
   * expires). Only a right password undoes its reservation, resetting the count and the lock
   * (attempts still in flight then were reserved within the allowance). Reading the state first
   * and counting after the check would let every concurrent attempt be verified.
   */
  async login(email: string, password: string, meta: RequestMeta): Promise<TokenPair & { user: Profile }> {
    const { sql } = this.options;
    const [user] = await sql.query<LoginRow>(
      `UPDATE users SET failed_login_count = failed_login_count + 1,
         locked_until = CASE WHEN failed_login_count + 1 >= $2
           THEN now() + make_interval(secs => least($4, $3 * power(2, failed_login_count + 1 - $2)))
           ELSE locked_until END
       WHERE lower(email) = lower($1) AND (locked_until IS NULL OR locked_until <= now())
       RETURNING id, email, role, password_hash, is_active, ${SESSION_VERSION_SQL} AS session_version`,
      [email, LOCK_AFTER_FAILURES, FIRST_LOCK_SECONDS, MAX_LOCK_SECONDS],
    );
    // Unknown and locked accounts are checked against a dummy hash, so every path takes as long.
    const passwordOk = await verifyPassword(user?.password_hash ?? (await this.dummyHash), password);
    // A failure keeps its reservation: it is the counted failure.
    if (!user?.is_active || !user.password_hash || !passwordOk) throw invalidCredentials();
    await sql.query('UPDATE users SET failed_login_count = 0, locked_until = NULL, last_login_at = now() WHERE id = $1', [user.id]);
    if (passwordNeedsRehash(user.password_hash)) {
      // Made with weaker parameters than today's: upgrade it now that the plain password is at hand.
      await sql.query('UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3', [user.id, await hashPassword(password), user.password_hash]);
    }
    const refreshToken = await this.options.refreshTokens.issue(user.id, meta);
    return { ...(await this.pair(user, refreshToken)), user: await this.profile(user.id) };
  }

  /** Rotates a refresh token. A used token revokes its family; any failure is a 401. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPair> {
    const outcome = await this.options.refreshTokens.rotate(refreshToken, meta);
    if (outcome.kind !== 'rotated') {
      throw new AppError('unauthenticated', outcome.kind === 'reused' ? 'This refresh token was already used; every session of its family is revoked' : 'Invalid refresh token');
    }
    const [user] = await this.options.sql.query<TokenSubject>(`SELECT id, role, email, ${SESSION_VERSION_SQL} AS session_version FROM users WHERE id = $1 AND is_active`, [
      outcome.userId,
    ]);
    if (!user) throw new AppError('unauthenticated', 'Invalid refresh token');
    return this.pair(user, outcome.token);
  }

  async logout(userId: number, refreshToken: string | undefined): Promise<void> {
    if (refreshToken) await this.options.refreshTokens.revokeFamilyOf(refreshToken, userId);
    else await this.options.refreshTokens.revokeAllFor(userId);
  }

  async profile(userId: number): Promise<Profile> {
    const { sql } = this.options;
    const [user] = await sql.query<{ id: number; email: string; first_name: string; last_name: string; phone: string | null; role: Role; teacher_id: number | null }>(
      `SELECT u.id, u.email, u.first_name, u.last_name, u.phone, u.role, t.id AS teacher_id
       FROM users u LEFT JOIN teachers t ON t.user_id = u.id WHERE u.id = $1`,
      [userId],
    );
    if (!user) throw new AppError('unauthenticated', 'Unknown user');
    const children =
      user.role === 'parent'
        ? await sql.query<{ id: number; first_name: string; last_name: string; instrument: string; teacher_id: number | null }>(
            'SELECT id, first_name, last_name, instrument, teacher_id FROM students WHERE parent_id = $1 AND is_active ORDER BY first_name, id',
            [userId],
          )
        : [];
    return {
      id: user.id,
      email: user.email,
      firstName: user.first_name,
      lastName: user.last_name,
      phone: user.phone,
      role: user.role,
      teacherId: user.teacher_id,
      children: children.map((c) => ({ id: c.id, firstName: c.first_name, lastName: c.last_name, instrument: c.instrument, teacherId: c.teacher_id })),
    };
  }

  /** Sets a new password, ends every session (all earlier tokens stop working) and signs in afresh. */
  async changePassword(userId: number, currentPassword: string, newPassword: string, meta: RequestMeta): Promise<TokenPair> {
    const [user] = await this.options.sql.query<{ id: number; role: Role; email: string; password_hash: string | null }>(
      'SELECT id, role, email, password_hash FROM users WHERE id = $1',
      [userId],
    );
    if (!user || !(await verifyPassword(user.password_hash, currentPassword))) {
      throw new AppError('validation_failed', 'currentPassword: is not your current password', [{ field: 'body.currentPassword', message: 'is not your current password' }]);
    }
    const sessionVersion = await this.setPassword(userId, newPassword);
    return this.pair({ ...user, session_version: sessionVersion }, await this.options.refreshTokens.issue(userId, meta));
  }

  /**
   * Stores a new password hash and ends every session: refresh tokens are revoked and the session
   * version moves on, so every access token signed before (even within the same second) is refused.
   * Returns the new session version.
   */
  private async setPassword(userId: number, newPassword: string): Promise<number> {
    const hash = await hashPassword(newPassword);
    const [row] = await this.options.sql.query<{ session_version: number }>(
      `UPDATE users SET password_hash = $2, tokens_valid_after = now(),
         failed_login_count = 0, locked_until = NULL WHERE id = $1
       RETURNING ${SESSION_VERSION_SQL} AS session_version`,
      [userId, hash],
    );
    invalidateUserAuth(this.options.sql, userId);
    await this.options.refreshTokens.revokeAllFor(userId);
    return Number(row?.session_version ?? 0);
  }

  /** Mails a one-time reset link when the address belongs to an active account; silent otherwise. */
  async requestPasswordReset(email: string): Promise<void> {
    const { sql, publicAppUrl } = this.options;
    const [user] = await sql.query<{ id: number; email: string; first_name: string }>('SELECT id, email, first_name FROM users WHERE lower(email) = lower($1) AND is_active', [
      email,
    ]);
    if (!user) {
      await this.dummyHash; // keep the two paths alike
      return;
    }
    await sql.transaction((tx) =>
      issuePasswordLink(tx, { id: user.id, email: user.email, firstName: user.first_name }, 'password_reset', {
        publicAppUrl,
        schoolName: this.options.schoolName,
      }),
    );
    this.options.onMailQueued?.();
  }

  /**
   * Mails a new account its set-password link (template `set_password`, valid
   * SET_PASSWORD_TOKEN_TTL_MINUTES), on `tx` so it commits together with the account.
   * Call `mailQueued()` once that transaction has committed.
   */
  async sendSetPasswordLink(tx: SqlExecutor, user: { id: number; email: string; firstName: string }): Promise<void> {
    await issuePasswordLink(tx, user, 'set_password', { publicAppUrl: this.options.publicAppUrl, schoolName: this.options.schoolName });
  }

  /** Tells the outbox that mail was queued and committed (see AuthServiceOptions.onMailQueued). */
  mailQueued(): void {
    this.options.onMailQueued?.();
  }

  /** Sets a new password with a reset token; the token works once. */
  async confirmPasswordReset(token: string, newPassword: string): Promise<void> {
    const [row] = await this.options.sql.query<{ user_id: number }>(
      `UPDATE password_reset_tokens SET used_at = now()
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING user_id`,
      [sha256(token)],
    );
    if (!row) {
      throw new AppError('validation_failed', 'token: is invalid, used or expired', [{ field: 'body.token', message: 'is invalid, used or expired' }]);
    }
    await this.setPassword(row.user_id, newPassword);
  }
}
