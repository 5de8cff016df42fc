import { boolean, index, integer, pgTable, smallint, text, time, unique } from 'drizzle-orm/pg-core';
import { identityId, timestamps, tstz } from './columns.js';
import { users } from './users.js';

export const teachers = pgTable(
  'teachers',
  {
    id: identityId(),
    userId: integer('user_id')
      .notNull()
      .unique('teachers_user_id_key')
      .references(() => users.id, { onDelete: 'cascade' }),
    /** At least one; values come from the `instruments` setting. */
    instruments: text('instruments').array().notNull(),
    /** 3000–20000 cents. */
    hourlyRateCents: integer('hourly_rate_cents').notNull(),
    /** 1–50. */
    maxStudents: integer('max_students').notNull().default(30),
    isAvailable: boolean('is_available').notNull().default(true),
    bio: text('bio'),
    ...timestamps(),
  },
  (t) => [index('teachers_instruments_idx').using('gin', t.instruments)],
);

/**
 * Weekly hours as wall-clock times in the school's time zone (settings `timezone`),
 * expanded per date so they stay put across daylight-saving changes.
 */
export const teacherAvailability = pgTable(
  'teacher_availability',
  {
    id: identityId(),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => teachers.id, { onDelete: 'cascade' }),
    /** ISO weekday: 1 = Monday … 7 = Sunday. */
    weekday: smallint('weekday').notNull(),
    /** 'HH:MM:SS', local school time; end > start. */
    startTime: time('start_time').notNull(),
    endTime: time('end_time').notNull(),
    ...timestamps(),
  },
  (t) => [unique('teacher_availability_slot_key').on(t.teacherId, t.weekday, t.startTime)],
);

export const teacherTimeOff = pgTable(
  'teacher_time_off',
  {
    id: identityId(),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => teachers.id, { onDelete: 'cascade' }),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    reason: text('reason'),
    ...timestamps(),
  },
  (t) => [index('teacher_time_off_teacher_idx').on(t.teacherId, t.startsAt)],
);

export type Teacher = typeof teachers.$inferSelect;
export type NewTeacher = typeof teachers.$inferInsert;
export type TeacherAvailability = typeof teacherAvailability.$inferSelect;
export type NewTeacherAvailability = typeof teacherAvailability.$inferInsert;
export type TeacherTimeOff = typeof teacherTimeOff.$inferSelect;
export type NewTeacherTimeOff = typeof teacherTimeOff.$inferInsert;
