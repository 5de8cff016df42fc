/**
 * The enrollment API's contract (API.md "Enrollment"): the form both submission endpoints take,
 * the status every read returns, and the list query. Field errors name the field (`body.parentEmail`).
 */
import { z } from 'zod';
import { objectOfKnownKeys } from '../../http/known-keys.js';
import { enrollmentSources, paymentSetupOutcomes } from '../../db/schema/enrollments.js';
import { boundedDate } from '../../http/date-schemas.js';
import { pageQuery } from '../../http/pagination.js';

/** Days a lesson may be preferred on (the school is closed on Sundays). */
export const lessonDays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type LessonDay = (typeof lessonDays)[number];
/** Parts of the day a lesson may be preferred in; their hours are in scoring.ts (DAY_PARTS). */
export const dayParts = ['morning', 'afternoon', 'evening'] as const;
export type DayPart = (typeof dayParts)[number];

/** Every status the API shows; `running` is derived from the workflow run, the others are stored. */
export const enrollmentApiStatuses = ['pending', 'running', 'awaiting_confirmation', 'completed', 'waitlisted', 'rejected', 'failed'] as const;
export type EnrollmentApiStatus = (typeof enrollmentApiStatuses)[number];

/** "is required" for a missing field, else `message`. */
const say = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message);

const personName = z
  .string({ error: say('must be a string') })
  .trim()
  .min(1, 'must not be empty')
  .max(50, 'must be at most 50 characters');
const email = z.email({ error: say('must be an e-mail address') }).max(200, 'must be at most 200 characters');

/** 10 digits, optionally after +1 or 1; spaces, dots, dashes and parentheses are ignored. Stored as E.164 (+1…). */
const phone = z
  .string({ error: say('must be a string') })
  .transform((value) => value.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+?1?\d{10}$/, 'must be a 10-digit phone number, optionally with +1 (e.g. 902-555-0142)'))
  .transform((digits) => `+1${digits.replace(/\D/g, '').slice(-10)}`);

/** The enrollment form (both endpoints). Optional fields may be omitted or null. */
const box = z.boolean({ error: say('must be true or false') }).default(false);
/** The form's consent boxes (opt-in): AI-assisted drafting, the school's news by e-mail, SMS messages. */
const formConsents = objectOfKnownKeys({ aiProcessing: box, marketingEmail: box, sms: box }, 'a consent box of the form');

export const enrollmentBody = z.object({
  studentFirstName: personName,
  studentLastName: personName,
  studentDateOfBirth: boundedDate.describe('YYYY-MM-DD; the student must be at least 5'),
  studentEmail: email.nullish(),
  parentFirstName: personName,
  parentLastName: personName,
  parentEmail: email.describe('The parent account: created when new (a set-password e-mail is sent), reused when it exists'),
  parentPhone: phone.describe('10 digits, optionally +1'),
  instrument: z
    .string({ error: say('must be a string') })
    .trim()
    .toLowerCase()
    .min(1, 'must not be empty')
    .max(50)
    .describe('One the school offers (settings)'),
  preferredTeacherId: z
    .number({ error: say('must be a teacher id') })
    .int('must be a teacher id')
    .min(1, 'must be a teacher id')
    .max(2_147_483_647)
    .nullish(),
  preferredLessonDay: z.enum(lessonDays, { error: say(`must be one of ${lessonDays.join(', ')}`) }).nullish(),
  preferredLessonTime: z.enum(dayParts, { error: say(`must be one of ${dayParts.join(', ')}`) }).nullish(),
  lessonDuration: z
    .number({ error: say('must be a number of minutes') })
    .int('must be whole minutes')
    .min(15, 'must be at least 15 minutes')
    .max(60, 'must be at most 60 minutes')
    .default(30),
  paymentToken: z
    .string({ error: say('must be a string') })
    .trim()
    .regex(/^[A-Za-z0-9_]{3,255}$/, 'must be a payment method id or token such as pm_card_visa')
    .nullish()
    .describe('A payment method id or token from the payment form (pm_…, tok_…)'),
  agreedToTerms: z.literal(true, { error: say('must be true: the terms must be accepted') }).describe('The terms and privacy policy: recorded as the dataProcessing consent'),
  consents: formConsents.optional().describe('The optional boxes of the form, each unticked (false) unless given: recorded for the parent when the family is created'),
  goals: z
    .string({ error: say('must be a string') })
    .trim()
    .max(1000, 'must be at most 1000 characters')
    .nullish()
    .describe('Optional: what the student hopes to learn, experience, anything the teacher should know (the family’s own words, at most 1000 characters)'),
});
export type EnrollmentBody = z.infer<typeof enrollmentBody>;

/** The form as stored and read by the workflow: normalised, optional fields absent rather than null. */
export const submission = z.object({
  studentFirstName: z.string(),
  studentLastName: z.string(),
  studentDateOfBirth: z.string(),
  studentEmail: z.string().optional(),
  parentFirstName: z.string(),
  parentLastName: z.string(),
  parentEmail: z.string(),
  parentPhone: z.string(),
  instrument: z.string(),
  preferredTeacherId: z.number().int().optional(),
  preferredLessonDay: z.enum(lessonDays).optional(),
  preferredLessonTime: z.enum(dayParts).optional(),
  lessonDuration: z.number().int(),
  paymentToken: z.string().optional(),
  agreedToTerms: z.boolean(),
  /** Absent on forms stored before consents were recorded: nothing but dataProcessing is recorded then. */
  consents: z.object({ aiProcessing: z.boolean(), marketingEmail: z.boolean(), sms: z.boolean() }).optional(),
  goals: z.string().optional(),
});
export type Submission = z.infer<typeof submission>;

export const enrollmentMessage = z.object({ code: z.string(), message: z.string() });

/** GET …/status, and the answer of the admin submission. */
export const enrollmentStatus = z.object({
  enrollmentId: z.number().int(),
  runId: z.string().nullable(),
  status: z.enum(enrollmentApiStatuses),
  studentId: z.number().int().optional(),
  parentId: z.number().int().optional(),
  assignedTeacherId: z.number().int().optional(),
  demoLesson: z.object({ lessonId: z.number().int(), startsAt: z.string() }).optional(),
  paymentSetup: z.enum(paymentSetupOutcomes).optional(),
  /** What the office should look at: payment_setup_failed, demo_lesson_not_scheduled, welcome_email_failed. */
  flags: z.array(z.string()).optional(),
  errors: z.array(enrollmentMessage).optional(),
  statusUrl: z.string(),
});
export type EnrollmentStatusView = z.infer<typeof enrollmentStatus>;

/** An item of GET /enrollments: the status plus who and what. */
export const enrollmentListItem = enrollmentStatus.extend({
  source: z.enum(enrollmentSources),
  studentName: z.string(),
  studentDateOfBirth: z.string(),
  parentEmail: z.string(),
  instrument: z.string(),
  createdAt: z.string(),
});
export type EnrollmentListItem = z.infer<typeof enrollmentListItem>;

export const enrollmentListQuery = pageQuery.extend({ status: z.enum(enrollmentApiStatuses).optional() });
export type EnrollmentListQuery = z.infer<typeof enrollmentListQuery>;

/** 202 of the public submission (and 200 when the same submission was already accepted). */
export const enrollmentAccepted = z.object({ enrollmentId: z.number().int(), runId: z.string().nullable(), statusUrl: z.string() });

export const enrollmentIdParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

export const statusUrlOf = (id: number): string => `/api/v1/enrollments/${id}/status`;

/** GET …/status: `token` is the signed link's (status-link.ts); a bad or expired one answers 401. */
export const statusQuery = z.object({
  token: z
    .string()
    .min(1, 'is not a valid status link token')
    .max(100, 'is not a valid status link token')
    .optional()
    .describe('The token of the status link in the family’s e-mails'),
});

/** POST /public/enrollments/confirm: the token of the e-mailed link. */
export const confirmBody = z.object({
  token: z
    .string({ error: say('must be a string') })
    .min(20, 'is not a valid confirmation token')
    .max(200, 'is not a valid confirmation token'),
});
/** POST /enrollments/{id}/decline. */
export const declineBody = z.object({
  reason: z
    .string({ error: say('must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(500, 'must be at most 500 characters'),
});
/** The answer of a confirmation, an approval or a refusal. */
export const confirmationAnswer = z.object({ enrollmentId: z.number().int(), statusUrl: z.string() });
