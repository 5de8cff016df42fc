import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { users } from './users.js';

/**
 * School-wide settings, one JSON value per key. The settings module owns them: it reads,
 * validates and caches the values (src/modules/settings/reader.ts), types them (types.ts), and
 * the seed inserts its defaults (defaults.ts).
 */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
  updatedBy: integer('updated_by').references(() => users.id, { onDelete: 'set null' }),
});

export type Setting = typeof settings.$inferSelect;
export type NewSetting = typeof settings.$inferInsert;
