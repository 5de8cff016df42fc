import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, text, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { identityId, timestamps, tstz } from './columns.js';
import { students } from './students.js';
import { teachers } from './teachers.js';
import { users } from './users.js';

export const lessonTypes = ['demo', 'regular', 'makeup'] as const;
export const lessonStatuses = ['scheduled', 'completed', 'cancelled', 'rescheduled'] as const;
export const lessonPaymentStatuses = ['pending', 'paid', 'failed', 'waived'] as const;
export const attendanceValues = ['present', 'absent', 'late', 'excused'] as const;
/** Statuses that occupy the teacher's and the student's time (the exclusion constraints' filter). */
export const blockingLessonStatuses = ['scheduled', 'completed'] as const;

export type LessonType = (typeof lessonTypes)[number];
export type LessonStatus = (typeof lessonStatuses)[number];
export type LessonPaymentStatus = (typeof lessonPaymentStatuses)[number];
export type Attendance = (typeof attendanceValues)[number];

/** SQLSTATE of an exclusion-constraint violation (a double booking). */
export const EXCLUSION_VIOLATION = '23P01';
export const LESSON_OVERLAP_CONSTRAINTS = {
  teacher: 'lessons_no_teacher_overlap',
  student: 'lessons_no_student_overlap',
  /** On coalesce(substitute_teacher_id, teacher_id): the teacher who actually teaches (0019). */
  substitute: 'lessons_no_substitute_overlap',
} as const;

/**
 * Lessons. No double booking is enforced only in SQL (0001_init.sql), by two exclusion
 * constraints Drizzle cannot express: `lessons_no_teacher_overlap` and `lessons_no_student_overlap`,
 * each `EXCLUDE USING gist (<id> WITH =, tstzrange(scheduled_at, ends_at, '[)') WITH &&)
 * WHERE (status IN ('scheduled','completed'))`. An insert or update that collides fails with
 * SQLSTATE 23P01 and that constraint name. Back-to-back lessons are allowed. A trigger
 * (lessons_lock_booking) serialises concurrent bookings per teacher and per student with advisory
 * locks, so concurrent conflicts also end in 23P01 rather than a deadlock (40P01).
 *
 * `endsAt` must equal `scheduledAt + durationMinutes` (CHECK lessons_ends_at_check): set both
 * whenever either changes.
 */
export const lessons = pgTable(
  'lessons',
  {
    id: identityId(),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => teachers.id, { onDelete: 'no action' }),
    scheduledAt: tstz('scheduled_at').notNull(),
    /** 15–120. */
    durationMinutes: integer('duration_minutes').notNull().default(30),
    endsAt: tstz('ends_at').notNull(),
    lessonType: text('lesson_type', { enum: lessonTypes }).notNull().default('regular'),
    status: text('status', { enum: lessonStatuses }).notNull().default('scheduled'),
    paymentStatus: text('payment_status', { enum: lessonPaymentStatuses }).notNull().default('pending'),
    /** Shared by the lessons of one recurring series. */
    seriesId: uuid('series_id'),
    rescheduledFromId: integer('rescheduled_from_id').references((): AnyPgColumn => lessons.id, {
      onDelete: 'set null',
    }),
    cancelledAt: tstz('cancelled_at'),
    cancelledBy: integer('cancelled_by').references(() => users.id, { onDelete: 'set null' }),
    cancellationReason: text('cancellation_reason'),
    attendance: text('attendance', { enum: attendanceValues }),
    completedAt: tstz('completed_at'),
    /** Shared with the family. */
    notes: text('notes'),
    /** Teacher and office only: never in a parent's answer (≤ 2000 characters). */
    privateNotes: text('private_notes'),
    /**
     * The teacher covering the lesson while `teacherId` is away (never `teacherId` itself); busy at
     * that time like the lesson's own teacher (exclusion constraint lessons_no_substitute_overlap).
     */
    substituteTeacherId: integer('substitute_teacher_id').references(() => teachers.id, { onDelete: 'no action' }),
    ...timestamps(),
  },
  (t) => [
    index('lessons_substitute_idx').on(t.substituteTeacherId, t.scheduledAt).where(sql`substitute_teacher_id IS NOT NULL`),
    index('lessons_teacher_time_idx').on(t.teacherId, t.scheduledAt),
    index('lessons_student_time_idx').on(t.studentId, t.scheduledAt),
    index('lessons_upcoming_idx').on(t.scheduledAt).where(sql`status = 'scheduled'`),
    index('lessons_series_idx').on(t.seriesId).where(sql`series_id IS NOT NULL`),
    index('lessons_rescheduled_from_idx').on(t.rescheduledFromId).where(sql`rescheduled_from_id IS NOT NULL`),
  ],
);

/** A lesson owed to a student. One credit per source lesson; a makeup lesson uses at most one. */
export const makeupCredits = pgTable(
  'makeup_credits',
  {
    id: identityId(),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id, { onDelete: 'cascade' }),
    sourceLessonId: integer('source_lesson_id')
      .unique('makeup_credits_source_lesson_id_key')
      .references(() => lessons.id, { onDelete: 'set null' }),
    reason: text('reason'),
    grantedAt: tstz('granted_at').notNull().defaultNow(),
    usedLessonId: integer('used_lesson_id')
      .unique('makeup_credits_used_lesson_id_key')
      .references(() => lessons.id, { onDelete: 'set null' }),
    /** Last local day (school's zone) the credit can be used; set from makeupCreditExpiryDays when granted. */
    expiresOn: date('expires_on', { mode: 'string' }),
    ...timestamps(),
  },
  (t) => [index('makeup_credits_student_idx').on(t.studentId), index('makeup_credits_open_idx').on(t.studentId, t.expiresOn).where(sql`used_lesson_id IS NULL`)],
);

export type Lesson = typeof lessons.$inferSelect;
export type NewLesson = typeof lessons.$inferInsert;
export type MakeupCredit = typeof makeupCredits.$inferSelect;
export type NewMakeupCredit = typeof makeupCredits.$inferInsert;
