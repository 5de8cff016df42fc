import { boolean, integer, pgTable, uuid } from 'drizzle-orm/pg-core';
import { lessons } from './lessons.js';
import { timestamps, tstz } from './columns.js';
import { users } from './users.js';
import { workflowRuns } from './workflows.js';

/**
 * Channels a user accepts (migrations/0008_notifications.sql). No row = defaults: e-mail and
 * in-app on, SMS on only when the user has a phone number.
 */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  email: boolean('email').notNull().default(true),
  sms: boolean('sms').notNull().default(false),
  inApp: boolean('in_app').notNull().default(true),
  ...timestamps(),
});

/** One row per lesson whose reminder was claimed: the claim makes reminders exactly-once across workers. */
export const lessonReminders = pgTable('lesson_reminders', {
  lessonId: integer('lesson_id')
    .primaryKey()
    .references(() => lessons.id, { onDelete: 'cascade' }),
  lessonStartsAt: tstz('lesson_starts_at').notNull(),
  runId: uuid('run_id').references(() => workflowRuns.id, { onDelete: 'set null' }),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

export type NotificationPreferencesRow = typeof notificationPreferences.$inferSelect;
export type LessonReminder = typeof lessonReminders.$inferSelect;
