import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { identityId, timestamps } from './columns.js';
import { teachers } from './teachers.js';
import { users } from './users.js';

export const skillLevels = ['beginner', 'intermediate', 'advanced'] as const;
export type SkillLevel = (typeof skillLevels)[number];

/** A parent's child taking lessons. */
export const students = pgTable(
  'students',
  {
    id: identityId(),
    parentId: integer('parent_id')
      .notNull()
      .references(() => users.id, { onDelete: 'no action' }),
    teacherId: integer('teacher_id').references(() => teachers.id, { onDelete: 'set null' }),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    email: text('email'),
    dateOfBirth: date('date_of_birth', { mode: 'string' }).notNull(),
    /** Free text (non-empty): the offered instruments live in the `instruments` setting. */
    instrument: text('instrument').notNull(),
    skillLevel: text('skill_level', { enum: skillLevels }).notNull().default('beginner'),
    /** Price of one lesson, 3000–20000 cents. */
    lessonRateCents: integer('lesson_rate_cents').notNull(),
    enrollmentDate: date('enrollment_date', { mode: 'string' }).notNull().default(sql`CURRENT_DATE`),
    isActive: boolean('is_active').notNull().default(true),
    notes: text('notes'),
    ...timestamps(),
  },
  (t) => [index('students_parent_idx').on(t.parentId), index('students_teacher_idx').on(t.teacherId), index('students_instrument_idx').on(t.instrument)],
);

export type Student = typeof students.$inferSelect;
export type NewStudent = typeof students.$inferInsert;
