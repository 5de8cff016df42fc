import { date, index, integer, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { identityId, timestamps } from './columns.js';

// Dates are inclusive 'YYYY-MM-DD' strings in the school's calendar.

export const academicYears = pgTable('academic_years', {
  id: identityId(),
  name: text('name').notNull().unique('academic_years_name_key'),
  startsOn: date('starts_on', { mode: 'string' }).notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
  ...timestamps(),
});

export const semesters = pgTable(
  'semesters',
  {
    id: identityId(),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    ...timestamps(),
  },
  (t) => [unique('semesters_year_name_key').on(t.academicYearId, t.name)],
);

/** A holiday or break during which no lessons happen. */
export const closures = pgTable(
  'closures',
  {
    id: identityId(),
    name: text('name').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    academicYearId: integer('academic_year_id').references(() => academicYears.id, { onDelete: 'set null' }),
    ...timestamps(),
  },
  (t) => [unique('closures_start_name_key').on(t.startsOn, t.name), index('closures_range_idx').on(t.startsOn, t.endsOn), index('closures_academic_year_idx').on(t.academicYearId)],
);

export type AcademicYear = typeof academicYears.$inferSelect;
export type NewAcademicYear = typeof academicYears.$inferInsert;
export type Semester = typeof semesters.$inferSelect;
export type NewSemester = typeof semesters.$inferInsert;
export type Closure = typeof closures.$inferSelect;
export type NewClosure = typeof closures.$inferInsert;
