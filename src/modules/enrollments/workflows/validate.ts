/**
 * `validate` (reads only) and the `decide` router: is the enrollment accepted, rejected (business
 * rules: age, instrument, terms, the parent e-mail) or waitlisted (no free teacher for the
 * instrument)? Its compensation, the last to run, marks a failed enrollment `failed`.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { enrollments, type EnrollmentMessage } from '../../../db/schema/enrollments.js';
import { defineNode, defineRouter, PermanentError, type TaskContext } from '../../../engine/index.js';
import { localDateOf } from '../../scheduling/local-time.js';
import { settingsOf } from '../../lessons/deps.js';
import { ageOn } from '../../students/queries.js';
import { studentNameKeySql } from '../../students/duplicates.js';
import { isFree } from '../scoring.js';
import type { Submission } from '../schemas.js';
import { teachersOf } from '../teachers.js';
import { waitlistClaims } from '../waitlist.js';
import { DB_RETRY, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { notedError, readEnrollment, submissionOf } from './row.js';

/** The brief's minimum age and messages. */
export const MINIMUM_AGE = 5;
export const TOO_YOUNG = 'Student must be at least 5 years old';
export const noTeacherFor = (instrument: string): string => `No teachers available for ${instrument}`;
export const placesPromised = (instrument: string): string => `The free ${instrument} places go to the families already on the waiting list`;
const ENROLLMENT_FAILED: EnrollmentMessage = {
  code: 'enrollment_failed',
  message: 'The enrollment could not be completed and nothing of it was kept; please submit it again or contact the school',
};

/** What an existing account with the parent's e-mail means for the enrollment. */
export interface ExistingAccount {
  role: string;
  isActive: boolean;
}

/** The business rules that reject an enrollment (nothing is created). Pure. */
export function rejectionsOf(sub: Submission, ctx: { today: string; instruments: readonly string[]; account: ExistingAccount | undefined }): EnrollmentMessage[] {
  const found: EnrollmentMessage[] = [];
  if (ageOn(sub.studentDateOfBirth, ctx.today) < MINIMUM_AGE) found.push({ code: 'too_young', message: TOO_YOUNG });
  if (!ctx.instruments.includes(sub.instrument)) {
    found.push({ code: 'instrument_not_offered', message: `${sub.instrument} is not offered; the school teaches ${ctx.instruments.join(', ')}` });
  }
  if (!sub.agreedToTerms) found.push({ code: 'terms_not_accepted', message: 'The terms must be accepted' });
  if (ctx.account && ctx.account.role !== 'parent') {
    found.push({ code: 'parent_email_in_use', message: 'This e-mail address belongs to a staff account; enroll with the parent’s own address' });
  } else if (ctx.account && !ctx.account.isActive) {
    found.push({ code: 'parent_account_inactive', message: 'The parent account of this e-mail address is deactivated; please contact the school' });
  }
  return found;
}

export const validateOutput = z.object({
  /** `confirm`: a public form with the e-mail of an existing account waits for its owner (confirm node). */
  outcome: z.enum(['accepted', 'rejected', 'waitlisted', 'confirm']),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  /** Free teachers of the instrument when validated (assign decides again, under lock). */
  freeTeacherIds: z.array(z.number().int()),
});
export type ValidateOutput = z.infer<typeof validateOutput>;

/**
 * The decision on a stored form. With `ownerUnproven` (a public form whose e-mail belongs to an
 * existing account) the account is not judged and no teacher is looked for: the outcome is
 * `confirm` unless a rule about the form itself says no, so nothing about the account is revealed
 * to whoever sent the form.
 */
export async function decideEnrollment(deps: NodeDeps, sub: Submission, options: { ownerUnproven: boolean }): Promise<ValidateOutput> {
  const { db } = deps.services;
  const settings = await settingsOf(deps.lessons);
  const [account] = await db.sql.query<ExistingAccount>(`SELECT role, is_active AS "isActive" FROM users WHERE lower(email) = lower($1)`, [sub.parentEmail]);
  const today = localDateOf(deps.now(), settings.timezone);
  const waitForOwner = options.ownerUnproven && account !== undefined;
  const reasons = rejectionsOf(sub, { today, instruments: settings.instruments, account: waitForOwner ? undefined : account });
  if (reasons.length === 0 && !waitForOwner && account?.role === 'parent') {
    const other = await otherInstrumentOf(deps, sub);
    if (other) reasons.push({ code: 'student_exists', message: studentExists(sub, other) });
  }
  if (reasons.length > 0) return { outcome: 'rejected', reasons, freeTeacherIds: [] };
  if (waitForOwner) return { outcome: 'confirm', reasons: [], freeTeacherIds: [] };
  const free = (await teachersOf(db.sql, sub.instrument)).filter((t) => isFree(t, sub.instrument));
  if (free.length === 0) return { outcome: 'waitlisted', reasons: [{ code: 'no_teacher', message: noTeacherFor(sub.instrument) }], freeTeacherIds: [] };
  // First come, first served: places the waitlist is owed go to it, not to a newer form.
  const places = free.reduce((sum, t) => sum + (t.maxStudents - t.activeStudents), 0);
  if (places <= (await waitlistClaims(db.sql, sub.instrument))) {
    return { outcome: 'waitlisted', reasons: [{ code: 'no_teacher', message: placesPromised(sub.instrument) }], freeTeacherIds: [] };
  }
  return { outcome: 'accepted', reasons: [], freeTeacherIds: free.map((t) => t.teacherId) };
}

/**
 * Duplicate students are refused (students/duplicates.ts): a child this family already has (same
 * name and date of birth, active) is reused by the family node when the instrument is the same;
 * for another instrument the enrollment is rejected (one student record learns one instrument).
 * The instrument the existing child learns, or undefined.
 */
async function otherInstrumentOf(deps: NodeDeps, sub: Submission): Promise<string | undefined> {
  const [child] = await deps.services.db.sql.query<{ instrument: string }>(
    `SELECT s.instrument FROM students s JOIN users u ON u.id = s.parent_id
     WHERE lower(u.email) = lower($1) AND s.is_active AND s.date_of_birth = $2 AND s.instrument <> $5
       AND ${studentNameKeySql('s.first_name', 's.last_name')} = ${studentNameKeySql('$3::text', '$4::text')}
     ORDER BY s.id LIMIT 1`,
    [sub.parentEmail, sub.studentDateOfBirth, sub.studentFirstName, sub.studentLastName, sub.instrument],
  );
  return child?.instrument;
}

export const studentExists = (sub: Submission, instrument: string): string =>
  `${sub.studentFirstName} ${sub.studentLastName} is already a student of the school (${instrument}); please ask the school to change or add the instrument`;

export function validateNode(deps: NodeDeps) {
  const { db } = deps.services;
  return defineNode<EnrollmentEvent, ValidateOutput>({
    id: 'validate',
    description:
      "Age (at least 5), instrument offered, terms accepted, parent e-mail usable (a public form with an existing account's e-mail waits for its owner); a free teacher for the instrument, else waitlisted",
    retry: DB_RETRY,
    output: validateOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const row = await readEnrollment(db.orm, ctx.event.enrollmentId);
      if (row.status !== 'pending') throw new PermanentError(`enrollment ${row.id} is already ${row.status}`);
      return decideEnrollment(deps, submissionOf(row), { ownerUnproven: row.source === 'public' });
    },
    // Last compensation of a failed run: what was made is undone by then; the row says `failed`.
    // `completed` too: a failure after the welcome step marked it is still a failure, now undone.
    // One statement, safe to run twice: the message is added once, the status only changes once.
    compensate: async (ctx: TaskContext<EnrollmentEvent>) => {
      await db.orm
        .update(enrollments)
        .set({ status: 'failed', decidedAt: new Date(deps.now()), errors: notedError(ENROLLMENT_FAILED) })
        .where(and(eq(enrollments.id, ctx.event.enrollmentId), inArray(enrollments.status, ['pending', 'completed', 'awaiting_confirmation'])));
    },
  });
}

/** Where an outcome leads: rejected → reject, waitlisted → waitlist, confirm → confirm, accepted → family. */
export const nextOf = (outcome: ValidateOutput['outcome'] | undefined): 'reject' | 'waitlist' | 'confirm' | 'family' =>
  outcome === 'rejected' ? 'reject' : outcome === 'waitlisted' ? 'waitlist' : outcome === 'confirm' ? 'confirm' : 'family';

export const decideRouter = defineRouter<EnrollmentEvent>({
  id: 'decide',
  description: "rejected → reject; waitlisted → waitlist; an existing account's e-mail on the public form → confirm; accepted → family",
  route: (ctx) => nextOf(ctx.output<ValidateOutput>('validate')?.outcome),
});
