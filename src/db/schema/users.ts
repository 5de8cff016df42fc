import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { identityId, timestamps, tstz } from './columns.js';

export const userRoles = ['admin', 'teacher', 'parent'] as const;
export type UserRole = (typeof userRoles)[number];

/** Everyone who signs in: the admin, teachers and parents. E-mail is unique case-insensitively. */
export const users = pgTable(
  'users',
  {
    id: identityId(),
    email: text('email').notNull(),
    /** argon2id PHC string; null for accounts that sign in through Supabase only. */
    passwordHash: text('password_hash'),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    phone: text('phone'),
    role: text('role', { enum: userRoles }).notNull(),
    supabaseUserId: uuid('supabase_user_id').unique('users_supabase_user_id_key'),
    isActive: boolean('is_active').notNull().default(true),
    lastLoginAt: tstz('last_login_at'),
    /** Consecutive failed sign-ins; reset by a successful one. */
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    /** Sign-in refused until this instant after repeated failures. */
    lockedUntil: tstz('locked_until'),
    /** Access tokens issued before this instant are refused (deactivation, password change). */
    tokensValidAfter: tstz('tokens_valid_after'),
    /** The user declined AI processing: the rules drafter answers for them, nothing goes to a provider (migration 0023). */
    aiProcessingDeclined: boolean('ai_processing_declined').notNull().default(false),
    ...timestamps(),
  },
  (t) => [uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`), index('users_role_idx').on(t.role)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
