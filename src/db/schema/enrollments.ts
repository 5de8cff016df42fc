import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { identityId, timestamps, tstz } from './columns.js';
import { lessons } from './lessons.js';
import { students } from './students.js';
import { teachers } from './teachers.js';
import { users } from './users.js';
import { workflowRuns } from './workflows.js';

/** Stored statuses; the API adds `running`, read from the workflow run. */
export const enrollmentStatuses = ['pending', 'awaiting_confirmation', 'completed', 'waitlisted', 'rejected', 'failed'] as const;
export type EnrollmentStoredStatus = (typeof enrollmentStatuses)[number];
export const enrollmentSources = ['public', 'admin'] as const;
export type EnrollmentSource = (typeof enrollmentSources)[number];
export const paymentSetupOutcomes = ['complete', 'no_payment_method', 'failed'] as const;
export type PaymentSetupOutcome = (typeof paymentSetupOutcomes)[number];

/** A message attached to an enrollment, for the family and the office. */
export interface EnrollmentMessage {
  code: string;
  message: string;
}

/**
 * One submission of the enrollment form and what the enrollment workflow made of it
 * (migrations/0009_enrollments.sql). The dedupe index and the CHECKs live only in the SQL.
 */
export const enrollments = pgTable(
  'enrollments',
  {
    id: identityId(),
    status: text('status', { enum: enrollmentStatuses }).notNull().default('pending'),
    source: text('source', { enum: enrollmentSources }).notNull(),
    submittedBy: integer('submitted_by').references(() => users.id, { onDelete: 'set null' }),
    submission: jsonb('submission').$type<Record<string, unknown>>().notNull(),
    parentEmail: text('parent_email').notNull(),
    studentFirstName: text('student_first_name').notNull(),
    studentLastName: text('student_last_name').notNull(),
    studentDateOfBirth: date('student_date_of_birth', { mode: 'string' }).notNull(),
    instrument: text('instrument').notNull(),
    runId: uuid('run_id').references(() => workflowRuns.id, { onDelete: 'set null' }),
    parentId: integer('parent_id').references(() => users.id, { onDelete: 'set null' }),
    createdParent: boolean('created_parent').notNull().default(false),
    studentId: integer('student_id').references(() => students.id, { onDelete: 'set null' }),
    createdStudent: boolean('created_student').notNull().default(false),
    teacherId: integer('teacher_id').references(() => teachers.id, { onDelete: 'set null' }),
    demoLessonId: integer('demo_lesson_id').references(() => lessons.id, { onDelete: 'set null' }),
    demoLessonAt: tstz('demo_lesson_at'),
    paymentSetup: text('payment_setup', { enum: paymentSetupOutcomes }),
    gatewayCustomerId: text('gateway_customer_id'),
    paymentMethodId: text('payment_method_id'),
    flags: text('flags').array().notNull().default(sql`'{}'`),
    errors: jsonb('errors').$type<EnrollmentMessage[]>().notNull().default(sql`'[]'::jsonb`),
    /** SHA-256 (hex) of the ownership-confirmation link's token; the token itself is only mailed. */
    confirmationTokenHash: text('confirmation_token_hash'),
    confirmationSentAt: tstz('confirmation_sent_at'),
    confirmationExpiresAt: tstz('confirmation_expires_at'),
    confirmedAt: tstz('confirmed_at'),
    /** 'email' (the link was opened) or 'admin:<user id>'. */
    confirmedBy: text('confirmed_by'),
    /** When the enrollment got a place off the waitlist (migrations/0020), and by whom: 'admin:<user id>' or 'waitlist'. */
    promotedAt: tstz('promoted_at'),
    promotedBy: text('promoted_by'),
    welcomedAt: tstz('welcomed_at'),
    decidedAt: tstz('decided_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('enrollments_dedupe_key')
      .on(sql`lower(${t.parentEmail})`, sql`lower(regexp_replace(btrim(${t.studentFirstName}) || ' ' || btrim(${t.studentLastName}), '\\s+', ' ', 'g'))`, t.studentDateOfBirth)
      .where(sql`status IN ('pending', 'awaiting_confirmation', 'completed', 'waitlisted')`),
    uniqueIndex('enrollments_confirmation_token_idx').on(t.confirmationTokenHash).where(sql`confirmation_token_hash IS NOT NULL`),
    index('enrollments_status_created_idx').on(t.status, t.createdAt.desc()),
    index('enrollments_waitlist_idx').on(t.instrument, t.createdAt, t.id).where(sql`status = 'waitlisted'`),
    index('enrollments_created_idx').on(t.createdAt.desc()),
    index('enrollments_parent_idx').on(t.parentId).where(sql`parent_id IS NOT NULL`),
    index('enrollments_parent_email_idx').on(sql`lower(${t.parentEmail})`),
    index('enrollments_run_idx').on(t.runId).where(sql`run_id IS NOT NULL`),
    index('enrollments_student_idx').on(t.studentId).where(sql`student_id IS NOT NULL`),
  ],
);

export type Enrollment = typeof enrollments.$inferSelect;
export type NewEnrollment = typeof enrollments.$inferInsert;
