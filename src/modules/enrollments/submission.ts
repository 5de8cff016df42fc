/**
 * A submitted form: the checks that need the school's data (a 400 naming each bad field, before
 * anything is written) and its normalised, stored form.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import type { KnownSettings } from '../settings/types.js';
import type { FieldIssue } from '../../http/errors.js';
import { localDateOf } from '../scheduling/local-time.js';
import type { EnrollmentBody, Submission } from './schemas.js';

/** Earliest date of birth accepted (anything before is a typo). */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

/**
 * Field problems the schema cannot see: a date of birth in the future, an instrument or lesson
 * length the school does not offer, a preferred teacher who does not exist or does not teach the
 * instrument. Being under 5 is not one of them: the workflow rejects it with the brief's message.
 */
export async function checkSubmission(sql: SqlExecutor, settings: KnownSettings, body: EnrollmentBody, now: number): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const today = localDateOf(now, settings.timezone);
  if (body.studentDateOfBirth > today) issues.push({ field: 'body.studentDateOfBirth', message: 'must not be in the future' });
  else if (body.studentDateOfBirth < EARLIEST_BIRTH_DATE) issues.push({ field: 'body.studentDateOfBirth', message: `must be on or after ${EARLIEST_BIRTH_DATE}` });
  const offered = settings.instruments.includes(body.instrument);
  if (!offered) issues.push({ field: 'body.instrument', message: `"${body.instrument}" is not offered; the school teaches ${settings.instruments.join(', ')}` });
  const priced = settings.lessonDurations.filter((minutes) => settings.pricing.lessonCents[String(minutes)] !== undefined);
  if (!priced.includes(body.lessonDuration)) issues.push({ field: 'body.lessonDuration', message: `lessons last ${priced.join(', ')} minutes` });
  if (body.preferredTeacherId != null) {
    const [teacher] = await sql.query<{ instruments: string[] }>(`SELECT t.instruments FROM teachers t JOIN users u ON u.id = t.user_id WHERE t.id = $1 AND u.is_active`, [
      body.preferredTeacherId,
    ]);
    if (!teacher) issues.push({ field: 'body.preferredTeacherId', message: `there is no teacher ${body.preferredTeacherId}` });
    else if (offered && !teacher.instruments.includes(body.instrument)) {
      issues.push({ field: 'body.preferredTeacherId', message: `teacher ${body.preferredTeacherId} does not teach ${body.instrument}` });
    }
  }
  return issues;
}

/** The stored form: the parent's e-mail in lower case, absent optional fields left out. */
export function normalise(body: EnrollmentBody): Submission {
  const optional = <K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> =>
    value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);
  return {
    studentFirstName: body.studentFirstName,
    studentLastName: body.studentLastName,
    studentDateOfBirth: body.studentDateOfBirth,
    ...optional('studentEmail', body.studentEmail),
    parentFirstName: body.parentFirstName,
    parentLastName: body.parentLastName,
    parentEmail: body.parentEmail.trim().toLowerCase(),
    parentPhone: body.parentPhone,
    instrument: body.instrument,
    ...optional('preferredTeacherId', body.preferredTeacherId),
    ...optional('preferredLessonDay', body.preferredLessonDay),
    ...optional('preferredLessonTime', body.preferredLessonTime),
    lessonDuration: body.lessonDuration,
    ...optional('paymentToken', body.paymentToken),
    agreedToTerms: body.agreedToTerms,
    consents: { aiProcessing: false, marketingEmail: false, sms: false, ...body.consents },
    ...optional('goals', body.goals === '' ? null : body.goals),
  };
}
