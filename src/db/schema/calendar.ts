import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { identityId, tstz } from './columns.js';
import { teachers } from './teachers.js';
import { users } from './users.js';

export const calendarFeedOwnerKinds = ['teacher', 'parent'] as const;
export type CalendarFeedOwnerKind = (typeof calendarFeedOwnerKinds)[number];

/**
 * Secret, revocable iCalendar links (migrations/0005_scheduling.sql): a teacher's lessons
 * (`teacherId`) or a parent's family lessons (`parentId`), exactly one set per `ownerKind`.
 * Only the SHA-256 hex of the token is stored.
 */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    id: identityId(),
    ownerKind: text('owner_kind', { enum: calendarFeedOwnerKinds }).notNull(),
    teacherId: integer('teacher_id').references(() => teachers.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id').references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique('calendar_feeds_token_hash_key'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [
    index('calendar_feeds_teacher_idx').on(t.teacherId).where(sql`teacher_id IS NOT NULL`),
    index('calendar_feeds_parent_idx').on(t.parentId).where(sql`parent_id IS NOT NULL`),
  ],
);

export type CalendarFeed = typeof calendarFeeds.$inferSelect;
export type NewCalendarFeed = typeof calendarFeeds.$inferInsert;
