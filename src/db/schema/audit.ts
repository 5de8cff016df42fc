import { bigint, boolean, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { identityId, tstz } from './columns.js';
import { students } from './students.js';
import { users } from './users.js';

/** Stored kinds: the four of the API (data_processing, ai_processing, marketing_email, sms) and the older ones of migration 0001. */
export const consentKinds = ['terms', 'privacy', 'photo', 'marketing', 'data_processing', 'ai_processing', 'marketing_email', 'sms'] as const;
export const consentSources = ['api', 'user_patch', 'enrollment', 'seed'] as const;
export type ConsentKind = (typeof consentKinds)[number];

/** Who did what to which record, with the row before and after. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorRole: text('actor_role'),
    /** create, update, delete, login, … */
    action: text('action').notNull(),
    /** Table or domain name, e.g. 'lessons'. */
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before').$type<unknown>(),
    after: jsonb('after').$type<unknown>(),
    requestId: text('request_id'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId), index('audit_log_actor_idx').on(t.actorId), index('audit_log_created_idx').on(t.createdAt)],
);

/** PIPEDA consent records: one row per decision; revoking sets revoked_at and keeps the row. */
export const consents = pgTable(
  'consents',
  {
    id: identityId(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Set when the consent is given on behalf of a child (e.g. photos). */
    studentId: integer('student_id').references(() => students.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: consentKinds }).notNull(),
    granted: boolean('granted').notNull(),
    /** Version of the document consented to. */
    version: text('version').notNull(),
    recordedAt: tstz('recorded_at').notNull().defaultNow(),
    revokedAt: tstz('revoked_at'),
    ip: text('ip'),
    /** Who recorded it: the user, an admin, or null for the system (enrollment, migration). */
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorRole: text('actor_role'),
    /** Where it was recorded: the consents API, PATCH /users, the enrollment form, seed/migration; null on rows older than 0024. */
    source: text('source', { enum: consentSources }),
  },
  (t) => [
    index('consents_user_kind_idx').on(t.userId, t.kind, t.recordedAt.desc()),
    index('consents_student_idx').on(t.studentId).where(sql`student_id IS NOT NULL`),
    index('consents_actor_idx').on(t.actorId).where(sql`actor_id IS NOT NULL`),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;
export type Consent = typeof consents.$inferSelect;
export type NewConsent = typeof consents.$inferInsert;
