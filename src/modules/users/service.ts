import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { asCaller } from '../auth/scoped.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import type { Role } from '../auth/access.js';
import { AppError, conflict, forbidden, notFound, validationFailed, type FieldIssue } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import { hashPassword } from '../auth/passwords.js';
import { RefreshTokens } from '../auth/refresh-tokens.js';
import type { AuthService } from '../auth/service.js';
import type { Principal } from '../auth/tokens.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { CreateUserInput, UpdateUserInput, UserListQuery, UserView } from './schemas.js';
import { invalidateUserAuth } from '../auth/user-cache.js';
import { rowsOf } from '../../db/orm-sql.js';
import { recordConsents } from '../consents/store.js';

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The public view of a user: never the password hash. Instants as ISO text, the same on every driver. */
const VIEW_SELECT = `SELECT u.id, u.email, u.first_name, u.last_name, u.phone, u.role, u.is_active, u.ai_processing_declined,
    (u.password_hash IS NOT NULL) AS password_set, t.id AS teacher_id,
    CASE WHEN u.locked_until > now() THEN ${iso('u.locked_until')} END AS locked_until,
    ${iso('u.last_login_at')} AS last_login_at, ${iso('u.created_at')} AS created_at, ${iso('u.updated_at')} AS updated_at
  FROM users u LEFT JOIN teachers t ON t.user_id = u.id`;

interface ViewRow {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  role: Role;
  is_active: boolean;
  ai_processing_declined: boolean;
  password_set: boolean;
  teacher_id: number | null;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

const toView = (row: ViewRow): UserView => ({
  id: Number(row.id),
  email: row.email,
  firstName: row.first_name,
  lastName: row.last_name,
  phone: row.phone,
  role: row.role,
  isActive: row.is_active,
  aiProcessingDeclined: row.ai_processing_declined,
  passwordSet: row.password_set,
  teacherId: row.teacher_id === null ? null : Number(row.teacher_id),
  lockedUntil: row.locked_until,
  lastLoginAt: row.last_login_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The audit actor of a request made by `caller`. */
const actorOf = (caller: Principal, requestId: string): AuditActor => ({ userId: caller.userId, role: caller.role, requestId });

/** `%term%` for ILIKE, with the pattern characters of `term` taken literally. */
const containsPattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const emailTaken = (): AppError => conflict('This e-mail address is already in use', [{ field: 'body.email', message: 'is already in use' }]);

const isEmailUniqueViolation = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  return code === '23505' && (constraint === 'users_email_lower_key' || String(message ?? '').includes('users_email_lower_key'));
};

/** Columns a PATCH may set, by body field. A fixed list: nothing else reaches the SQL text. */
const patchColumns = {
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  email: 'email',
  role: 'role',
  isActive: 'is_active',
} as const;
const adminOnlyFields = ['email', 'role', 'isActive'] as const;

/**
 * Admin user management: list, create (with a set-password e-mail), read, change and deactivate
 * accounts. Reads run as the caller (row-level security applies); writes run as the owner after the
 * checks below, each with an audit row in the same transaction.
 */
export class UserService {
  private readonly refreshTokens: RefreshTokens;

  constructor(private readonly deps: { db: Database; auth: AuthService }) {
    this.refreshTokens = new RefreshTokens(deps.db.sql);
  }

  async list(caller: Principal, query: UserListQuery): Promise<{ data: UserView[]; page: number; pageSize: number; total: number }> {
    const conditions: SQL[] = [];
    if (query.role) conditions.push(sql`u.role = ${query.role}`);
    if (query.active !== undefined) conditions.push(sql`u.is_active = ${query.active}`);
    if (query.q) {
      const pattern = containsPattern(query.q);
      conditions.push(sql`(u.first_name ILIKE ${pattern} OR u.last_name ILIKE ${pattern} OR (u.first_name || ' ' || u.last_name) ILIKE ${pattern} OR u.email ILIKE ${pattern})`);
    }
    const where = conditions.length > 0 ? sql` WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
    return asCaller(this.deps.db, caller, async (tx) => {
      const rows = rowsOf<ViewRow>(
        await tx.execute(sql`${sql.raw(VIEW_SELECT)}${where} ORDER BY lower(u.last_name), lower(u.first_name), u.id LIMIT ${query.pageSize} OFFSET ${offsetOf(query)}`),
      );
      const [count] = rowsOf<{ total: number }>(await tx.execute(sql`SELECT count(*)::int AS total FROM users u${where}`));
      return { data: rows.map(toView), page: query.page, pageSize: query.pageSize, total: Number(count?.total ?? 0) };
    });
  }

  /** An admin reads anyone; every other user only themself (403 otherwise). */
  async get(caller: Principal, id: number): Promise<UserView> {
    if (caller.role !== 'admin' && caller.userId !== id) throw forbidden('You may only see your own account');
    const [row] = await asCaller(this.deps.db, caller, async (tx) => rowsOf<ViewRow>(await tx.execute(sql`${sql.raw(VIEW_SELECT)} WHERE u.id = ${id}`)));
    if (!row) throw notFound('User');
    return toView(row);
  }

  async create(caller: Principal, input: CreateUserInput, requestId: string): Promise<UserView> {
    const teacherProfile = this.teacherProfileOf(input);
    const email = input.email.trim().toLowerCase();
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    try {
      const created = await this.deps.db.sql.transaction(async (tx) => {
        const [taken] = await tx.query('SELECT 1 FROM users WHERE lower(email) = $1', [email]);
        if (taken) throw emailTaken();
        const [created] = await tx.query<{ id: number }>(
          `INSERT INTO users (email, password_hash, first_name, last_name, phone, role) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [email, passwordHash, input.firstName, input.lastName, input.phone ?? null, input.role],
        );
        const id = Number(created!.id);
        if (teacherProfile) {
          await tx.query(`INSERT INTO teachers (user_id, instruments, hourly_rate_cents, bio) VALUES ($1, $2::text[], $3, $4)`, [
            id,
            teacherProfile.instruments,
            teacherProfile.hourlyRateCents,
            teacherProfile.bio ?? null,
          ]);
        }
        if (!passwordHash) await this.deps.auth.sendSetPasswordLink(tx, { id, email, firstName: input.firstName });
        const after = await this.viewOn(tx, id);
        await recordAudit(tx, actorOf(caller, requestId), { action: 'create', entity: 'user', entityId: id, before: null, after });
        return after;
      });
      if (!passwordHash) this.deps.auth.mailQueued();
      return created;
    } catch (error) {
      if (isEmailUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  /**
   * Changes a user. An admin may change names, phone, e-mail, role and isActive (but not their own
   * role nor deactivate themself: 409); anyone else only their own names and phone (403 otherwise).
   * isActive false ends every session of the user at once, like DELETE.
   */
  async update(caller: Principal, id: number, patch: UpdateUserInput, requestId: string): Promise<UserView> {
    const self = caller.userId === id;
    if (caller.role !== 'admin') {
      if (!self) throw forbidden('You may only change your own account');
      const refused = adminOnlyFields.filter((field) => patch[field] !== undefined);
      if (refused.length > 0) {
        throw new AppError(
          'forbidden',
          `Only an admin may change ${refused.join(', ')}`,
          refused.map((field) => ({ field: `body.${field}`, message: 'only an admin may change this' })),
        );
      }
    }
    try {
      const updated = await this.deps.db.sql.transaction(async (tx) => {
        await tx.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [id]);
        const before = await this.findOn(tx, id);
        if (!before) throw notFound('User');
        const roleChanges = patch.role !== undefined && patch.role !== before.role;
        if (self && roleChanges) throw conflict('You cannot change your own role', [{ field: 'body.role', message: 'cannot be changed on your own account' }]);
        if (self && patch.isActive === false) {
          throw conflict('You cannot deactivate your own account', [{ field: 'body.isActive', message: 'cannot be false on your own account' }]);
        }
        const email = patch.email?.trim().toLowerCase();
        if (email !== undefined && email !== before.email.toLowerCase()) {
          const [taken] = await tx.query('SELECT 1 FROM users WHERE lower(email) = $1 AND id <> $2', [email, id]);
          if (taken) throw emailTaken();
        }
        if (roleChanges) await this.assertRoleMayChange(tx, before);

        const sets: string[] = [];
        const values: unknown[] = [id];
        for (const [field, column] of Object.entries(patchColumns) as Array<[keyof typeof patchColumns, string]>) {
          const value = field === 'email' ? email : patch[field];
          if (value === undefined) continue;
          values.push(value);
          sets.push(`${column} = $${values.length}`);
        }
        const deactivating = patch.isActive === false && before.isActive;
        const reactivating = patch.isActive === true && !before.isActive;
        if (reactivating) sets.push('failed_login_count = 0', 'locked_until = NULL');
        if (deactivating) sets.push('tokens_valid_after = now()');
        if (sets.length > 0) await tx.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1`, values);
        if (deactivating) await this.endSessions(tx, id);
        // aiProcessingDeclined is a way to record the aiProcessing consent (which writes the column).
        if (patch.aiProcessingDeclined !== undefined) {
          await recordConsents(tx, id, { aiProcessing: !patch.aiProcessingDeclined }, { actor: actorOf(caller, requestId), source: 'user_patch' });
        }

        const after = await this.viewOn(tx, id);
        const action = deactivating ? 'deactivate' : reactivating ? 'reactivate' : 'update';
        await recordAudit(tx, actorOf(caller, requestId), { action, entity: 'user', entityId: id, before, after });
        return after;
      });
      invalidateUserAuth(this.deps.db.sql, id);
      return updated;
    } catch (error) {
      if (isEmailUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  /**
   * Deactivates a user (admins only; never oneself): isActive false, every access token refused at
   * once (session version moves on), every refresh token and pending password link revoked.
   */
  async deactivate(caller: Principal, id: number, requestId: string): Promise<void> {
    if (caller.userId === id) throw conflict('You cannot deactivate your own account');
    await this.deps.db.sql.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [id]);
      const before = await this.findOn(tx, id);
      if (!before) throw notFound('User');
      await tx.query('UPDATE users SET is_active = false, tokens_valid_after = now() WHERE id = $1', [id]);
      await this.endSessions(tx, id);
      if (before.isActive) {
        const after = await this.viewOn(tx, id);
        await recordAudit(tx, actorOf(caller, requestId), { action: 'deactivate', entity: 'user', entityId: id, before, after });
      }
    });
    invalidateUserAuth(this.deps.db.sql, id);
  }

  private async endSessions(tx: SqlExecutor, userId: number): Promise<void> {
    await this.refreshTokens.revokeAllFor(userId, tx);
    await tx.query('UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [userId]);
  }

  /** A role change must not orphan records: a parent with children or a teacher with a teacher profile keep their role. */
  private async assertRoleMayChange(tx: SqlExecutor, user: UserView): Promise<void> {
    if (user.role === 'parent') {
      const [child] = await tx.query('SELECT 1 FROM students WHERE parent_id = $1 LIMIT 1', [user.id]);
      if (child) throw conflict('This parent has students; their role cannot change', [{ field: 'body.role', message: 'the parent has students' }]);
    }
    if (user.role === 'teacher' && user.teacherId !== null) {
      throw conflict('This teacher has a teacher profile; their role cannot change', [{ field: 'body.role', message: 'the teacher has a teacher profile' }]);
    }
  }

  /** Instruments and rate for a teacher's profile: both or neither, and only for the teacher role. */
  private teacherProfileOf(input: CreateUserInput): { instruments: string[]; hourlyRateCents: number; bio: string | undefined } | undefined {
    const given = (['instruments', 'hourlyRateCents', 'bio'] as const).filter((field) => input[field] !== undefined);
    if (given.length === 0) return undefined;
    if (input.role !== 'teacher') {
      throw validationFailed(given.map((field): FieldIssue => ({ field: `body.${field}`, message: 'is only for the teacher role' })));
    }
    const missing = (['instruments', 'hourlyRateCents'] as const).filter((field) => input[field] === undefined);
    if (missing.length > 0) {
      throw validationFailed(missing.map((field): FieldIssue => ({ field: `body.${field}`, message: 'is required to create the teacher profile' })));
    }
    return { instruments: input.instruments!, hourlyRateCents: input.hourlyRateCents!, bio: input.bio };
  }

  private async findOn(tx: SqlExecutor, id: number): Promise<UserView | undefined> {
    const [row] = await tx.query<ViewRow>(`${VIEW_SELECT} WHERE u.id = $1`, [id]);
    return row ? toView(row) : undefined;
  }

  private async viewOn(tx: SqlExecutor, id: number): Promise<UserView> {
    const view = await this.findOn(tx, id);
    if (!view) throw notFound('User');
    return view;
  }
}
