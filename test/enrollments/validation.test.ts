/**
 * Every bad input of both submission endpoints answers 400 naming the field, and writes nothing
 * (no enrollment, no run, no account); the public form is rate limited per client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollmentBody } from '../../src/modules/enrollments/schemas.js';
import { EnrollmentService } from '../../src/modules/enrollments/service.js';
import { createUser } from '../helpers/app.js';
import type { TestStack } from '../helpers/stack.js';
import { bornYearsAgo, counts, createTeacher, enrollmentForm, enrollmentStack, type TestTeacher } from './helpers.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;
let guitarist: TestTeacher;

beforeAll(async () => {
  s = await enrollmentStack({ startWorker: false });
  admin = await createUser(s.database.db, 'admin');
  guitarist = await createTeacher(s.database.db, { instruments: ['guitar'] });
});
afterAll(async () => {
  await s?.close();
});

const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
const without = (field: string) => (form: Record<string, unknown>) => {
  const copy = { ...form };
  delete copy[field];
  return copy;
};
const set = (field: string, value: unknown) => (form: Record<string, unknown>) => ({ ...form, [field]: value });

/** [what, change to a valid form, the field the 400 names, a part of its message]. */
const cases: Array<[string, (form: Record<string, unknown>) => Record<string, unknown>, string, string]> = [
  ...['studentFirstName', 'studentLastName', 'studentDateOfBirth', 'parentFirstName', 'parentLastName', 'parentEmail', 'parentPhone', 'instrument', 'agreedToTerms'].map(
    (field) => [`missing ${field}`, without(field), `body.${field}`, 'is required'] as [string, (form: Record<string, unknown>) => Record<string, unknown>, string, string],
  ),
  ['an empty student first name', set('studentFirstName', '   '), 'body.studentFirstName', 'must not be empty'],
  ['a 51-character student last name', set('studentLastName', 'x'.repeat(51)), 'body.studentLastName', 'at most 50'],
  ['a number as a parent first name', set('parentFirstName', 42), 'body.parentFirstName', 'must be a string'],
  ['an empty parent last name', set('parentLastName', ''), 'body.parentLastName', 'must not be empty'],
  ['an impossible date of birth', set('studentDateOfBirth', '2015-02-30'), 'body.studentDateOfBirth', 'YYYY-MM-DD'],
  ['a date of birth in another format', set('studentDateOfBirth', '12/04/2015'), 'body.studentDateOfBirth', 'YYYY-MM-DD'],
  ['a date of birth in the future', set('studentDateOfBirth', tomorrow), 'body.studentDateOfBirth', 'must not be in the future'],
  ['a date of birth before 1900', set('studentDateOfBirth', '1899-12-31'), 'body.studentDateOfBirth', '1900-01-01'],
  ['a bad student e-mail', set('studentEmail', 'emma-at-home'), 'body.studentEmail', 'e-mail'],
  ['a parent e-mail without domain', set('parentEmail', 'jane@'), 'body.parentEmail', 'e-mail'],
  ['a parent e-mail without @', set('parentEmail', 'jane.example.com'), 'body.parentEmail', 'e-mail'],
  ['a 7-digit phone number', set('parentPhone', '555-0142'), 'body.parentPhone', '10-digit'],
  ['a phone number in words', set('parentPhone', 'call me'), 'body.parentPhone', '10-digit'],
  ['a UK phone number', set('parentPhone', '+44 20 7946 0958'), 'body.parentPhone', '10-digit'],
  ['an instrument the school does not teach', set('instrument', 'kazoo'), 'body.instrument', 'not offered'],
  ['an empty instrument', set('instrument', ''), 'body.instrument', 'must not be empty'],
  ['a preferred teacher id of 0', set('preferredTeacherId', 0), 'body.preferredTeacherId', 'teacher id'],
  ['a fractional preferred teacher id', set('preferredTeacherId', 1.5), 'body.preferredTeacherId', 'teacher id'],
  ['a preferred teacher id as text', set('preferredTeacherId', 'abc'), 'body.preferredTeacherId', 'teacher id'],
  ['a preferred teacher who does not exist', set('preferredTeacherId', 999_999), 'body.preferredTeacherId', 'no teacher 999999'],
  ['a preferred teacher of another instrument', (form) => ({ ...form, preferredTeacherId: guitarist.teacherId }), 'body.preferredTeacherId', 'does not teach piano'],
  ['Sunday as the preferred day', set('preferredLessonDay', 'sunday'), 'body.preferredLessonDay', 'monday'],
  ['night as the preferred time', set('preferredLessonTime', 'night'), 'body.preferredLessonTime', 'morning, afternoon, evening'],
  ['a 10-minute lesson', set('lessonDuration', 10), 'body.lessonDuration', 'at least 15'],
  ['a 90-minute lesson', set('lessonDuration', 90), 'body.lessonDuration', 'at most 60'],
  ['a lesson length the school does not offer', set('lessonDuration', 20), 'body.lessonDuration', 'lessons last 30, 45, 60 minutes'],
  ['a fractional lesson length', set('lessonDuration', 30.5), 'body.lessonDuration', 'whole minutes'],
  ['a lesson length as text', set('lessonDuration', '30'), 'body.lessonDuration', 'number of minutes'],
  ['a payment token with spaces', set('paymentToken', 'pm card visa'), 'body.paymentToken', 'payment method'],
  ['an overlong payment token', set('paymentToken', 'x'.repeat(300)), 'body.paymentToken', 'payment method'],
  ['terms not agreed', set('agreedToTerms', false), 'body.agreedToTerms', 'must be true'],
  ['terms agreed as text', set('agreedToTerms', 'true'), 'body.agreedToTerms', 'must be true'],
];

const endpoints = [
  { name: 'public', url: '/api/v1/public/enrollments', headers: (): Record<string, string> => ({}) },
  { name: 'admin', url: '/api/v1/enrollments', headers: (): Record<string, string> => admin.headers },
];

describe.each(endpoints)('POST $url', (endpoint) => {
  it.each(cases)('refuses %s with a 400 naming the field, writing nothing', async (_what, change, field, message) => {
    const before = await counts(s.database.db);
    const form = change(enrollmentForm());
    const res = await s.app.inject({ method: 'POST', url: endpoint.url, headers: endpoint.headers(), payload: form });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual(expect.arrayContaining([{ field, message: expect.stringContaining(message) }]));
    expect(await counts(s.database.db)).toEqual(before);
  });

  it('names every bad field at once', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: endpoint.url,
      headers: endpoint.headers(),
      payload: enrollmentForm({ parentEmail: 'nope', lessonDuration: 5, agreedToTerms: false }),
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['body.agreedToTerms', 'body.lessonDuration', 'body.parentEmail']);
  });

  it('refuses a body that is not a form', async () => {
    for (const payload of ['{"studentFirstName":', '[]', 'null']) {
      const res = await s.app.inject({ method: 'POST', url: endpoint.url, headers: { ...endpoint.headers(), 'content-type': 'application/json' }, payload });
      expect(res.statusCode, payload).toBe(400);
    }
    expect((await counts(s.database.db)).enrollments).toBe(0);
  });
});

it('accepts a student under 5 (the workflow rejects it) and optional fields given as null', async () => {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/public/enrollments',
    payload: enrollmentForm({
      studentDateOfBirth: bornYearsAgo(3),
      studentEmail: null,
      preferredTeacherId: null,
      preferredLessonDay: null,
      preferredLessonTime: null,
      paymentToken: null,
    }),
  });
  expect(res.statusCode).toBe(202);
});

it('rate limits the public form per client', async () => {
  const limited = await enrollmentStack({ startWorker: false, env: { PUBLIC_RATE_LIMIT_MAX: '2' } });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 3; i += 1)
      codes.push((await limited.app.inject({ method: 'POST', url: '/api/v1/public/enrollments', payload: enrollmentForm({ instrument: 'kazoo' }) })).statusCode);
    expect(codes).toEqual([400, 400, 429]);
    const refused = await limited.app.inject({ method: 'POST', url: '/api/v1/public/enrollments', payload: enrollmentForm() });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect((await counts(limited.database.db)).enrollments).toBe(0);
  } finally {
    await limited.close();
  }
});

it('gives the status so far when the workflow takes longer than the wait (the admin form then answers 202)', async () => {
  // No worker runs in this file, so the run stays queued.
  const service = new EnrollmentService(s.services, { waitMs: 100 });
  const submitted = await service.submit(enrollmentBody.parse(enrollmentForm()), 'admin', admin.id);
  const { view, final } = await service.waitForOutcome(submitted);
  expect(final).toBe(false);
  expect(view).toMatchObject({
    enrollmentId: submitted.enrollmentId,
    runId: submitted.runId,
    status: 'pending',
    statusUrl: `/api/v1/enrollments/${submitted.enrollmentId}/status`,
  });
});
