/**
 * The enrollment workflow end to end through the HTTP API, with a real SMTP server receiving the
 * mail and the database checked afterwards: the happy path (admin and public), too young, waitlisted,
 * payment setup failing. Duplicates, compensation and access have their own files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClock } from '../../src/modules/enrollments/slots.js';
import { createUser } from '../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import type { TestStack } from '../helpers/stack.js';
import { bornYearsAgo, counts, createTeacher, enrollmentForm, enrollmentStack, type TestTeacher } from './helpers.js';

let s: TestStack;
let sink: SmtpSink;
let admin: Awaited<ReturnType<typeof createUser>>;
let clara: TestTeacher;
let robert: TestTeacher;

beforeAll(async () => {
  sink = await startSmtpSink();
  s = await enrollmentStack({ env: { SMTP_URL: sink.url } });
  admin = await createUser(s.database.db, 'admin');
  clara = await createTeacher(s.database.db, { firstName: 'Clara' });
  robert = await createTeacher(s.database.db, { firstName: 'Robert', hours: { 6: '09:00-12:00' } });
});
afterAll(async () => {
  await s?.close();
  await sink?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);
const enrollAsAdmin = (form: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });
const notificationRuns = async (enrollmentId: number) =>
  (await sql<{ key: string }>(`SELECT idempotency_key AS key FROM workflow_runs WHERE idempotency_key LIKE $1 ORDER BY 1`, [`notify:enrollment:${enrollmentId}:%`])).map(
    (r) => r.key,
  );

describe('the happy path', () => {
  it('enrolls through the admin endpoint: parent account, student, payment, teacher, demo lesson, welcome mails', async () => {
    // Clara teaches on Mondays, Robert only on Saturday mornings: the preferred day decides.
    const form = enrollmentForm({ parentEmail: `Jane.Happy.${Date.now()}@Family.example`, preferredLessonDay: 'monday' });
    const email = String(form.parentEmail).toLowerCase();
    const res = await enrollAsAdmin(form);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'completed', assignedTeacherId: clara.teacherId, paymentSetup: 'complete', statusUrl: `/api/v1/enrollments/${body.enrollmentId}/status` });
    expect(body.errors).toBeUndefined();
    expect(body.flags).toBeUndefined();

    const [parent] = await sql<{ id: number; role: string; phone: string; password_hash: string | null; first_name: string }>(
      'SELECT id, role, phone, password_hash, first_name FROM users WHERE email = $1',
      [email],
    );
    expect(parent).toMatchObject({ id: body.parentId, role: 'parent', phone: '+19025550142', password_hash: null, first_name: 'Jane' });
    const [student] = await sql('SELECT parent_id, teacher_id, instrument, lesson_rate_cents, is_active, last_name FROM students WHERE id = $1', [body.studentId]);
    expect(student).toEqual({ parent_id: parent!.id, teacher_id: clara.teacherId, instrument: 'piano', lesson_rate_cents: 4500, is_active: true, last_name: form.studentLastName });
    const [lesson] = await sql<{ scheduled_at: Date; lesson_type: string; status: string; teacher_id: number; student_id: number; duration_minutes: number }>(
      'SELECT scheduled_at, lesson_type, status, teacher_id, student_id, duration_minutes FROM lessons WHERE id = $1',
      [body.demoLesson.lessonId],
    );
    expect(lesson).toMatchObject({ lesson_type: 'demo', status: 'scheduled', teacher_id: clara.teacherId, student_id: body.studentId, duration_minutes: 30 });
    expect(lesson!.scheduled_at.toISOString()).toBe(body.demoLesson.startsAt);
    expect(lesson!.scheduled_at.getTime()).toBeGreaterThanOrEqual(Date.now() + 24 * 3_600_000 - 60_000); // the school's minimum notice
    expect(localClock(lesson!.scheduled_at.getTime(), 'America/Halifax').weekday).toBe(1);
    const [billing] = await sql<{ customers: number; methods: number }>(
      `SELECT (SELECT count(*)::int FROM billing_customers WHERE parent_id = $1) AS customers,
              (SELECT count(*)::int FROM saved_payment_methods WHERE parent_id = $1 AND is_default) AS methods`,
      [parent!.id],
    );
    expect(billing).toEqual({ customers: 1, methods: 1 });
    const [row] = await sql('SELECT status, run_id, submission ? $2 AS has_token FROM enrollments WHERE id = $1', [body.enrollmentId, 'paymentToken']);
    expect(row).toEqual({ status: 'completed', run_id: body.runId, has_token: false });
    const audited = await sql<{ entity: string; action: string }>(`SELECT entity, action FROM audit_log WHERE request_id = $1 ORDER BY id`, [`enrollment:${body.enrollmentId}`]);
    expect(audited).toEqual(
      expect.arrayContaining([
        { entity: 'user', action: 'create' },
        { entity: 'student', action: 'create' },
        { entity: 'student', action: 'update' },
        { entity: 'lesson', action: 'create' },
      ]),
    );

    // The welcome mails, through the real SMTP server.
    const welcome = await sink.waitFor((m) => m.to.includes(email) && m.subject.startsWith('Welcome'));
    expect(welcome.text).toContain(`${form.studentFirstName} ${form.studentLastName}`);
    expect(welcome.text).toContain('Clara Tester');
    const teacherMail = await sink.waitFor((m) => m.to.includes(clara.email) && m.subject.includes(String(form.studentLastName)));
    expect(teacherMail.subject).toBe(`New student: ${form.studentFirstName} ${form.studentLastName} (piano)`);
    expect(await notificationRuns(body.enrollmentId)).toEqual([
      `notify:enrollment:${body.enrollmentId}:parent_welcome`,
      `notify:enrollment:${body.enrollmentId}:teacher_new_student`,
    ]);

    // The set-password link (no temporary password is ever mailed): delivered by the outbox
    // dispatcher, it lets the parent sign in and follow the enrollment.
    await s.engine.startAndWait('outbox-dispatch', { firedAt: new Date().toISOString() }, { waitMs: 10_000 });
    const link = await sink.waitFor((m) => m.to.includes(email) && /password/i.test(m.subject));
    expect(link.text).not.toMatch(/temporary password/i);
    const token = decodeURIComponent(/[?&]token=([^\s&]+)/.exec(link.text)![1]!);
    const password = 'a-new-family-password-1';
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, newPassword: password } })).statusCode).toBe(204);
    const login = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    expect(login.statusCode).toBe(200);
    const own = await s.app.inject({ method: 'GET', url: body.statusUrl, headers: { authorization: `Bearer ${login.json().accessToken}` } });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ enrollmentId: body.enrollmentId, status: 'completed', studentId: body.studentId });
  });

  it('accepts the public form with 202 and a status URL, and honours the preferred teacher, day and time', async () => {
    const form = enrollmentForm({ preferredTeacherId: robert.teacherId, preferredLessonDay: 'saturday', preferredLessonTime: 'morning', lessonDuration: 45 });
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/public/enrollments', payload: form });
    expect(res.statusCode).toBe(202);
    const accepted = res.json();
    expect(accepted).toEqual({ enrollmentId: expect.any(Number), runId: expect.any(String), statusUrl: `/api/v1/enrollments/${accepted.enrollmentId}/status` });
    expect(res.headers.location).toBe(accepted.statusUrl);
    expect((await s.engine.waitFor(accepted.runId, 15_000)).status).toBe('succeeded');

    const status = (await s.app.inject({ method: 'GET', url: accepted.statusUrl, headers: admin.headers })).json();
    expect(status).toMatchObject({ status: 'completed', assignedTeacherId: robert.teacherId });
    const clock = localClock(Date.parse(status.demoLesson.startsAt), 'America/Halifax');
    expect(clock.weekday).toBe(6);
    expect(clock.minutes).toBeGreaterThanOrEqual(9 * 60);
    expect(clock.minutes + 45).toBeLessThanOrEqual(12 * 60);
    const [rate] = await sql<{ lesson_rate_cents: number }>('SELECT lesson_rate_cents FROM students WHERE id = $1', [status.studentId]);
    expect(rate!.lesson_rate_cents).toBe(6000); // the 45-minute price of the pricing setting
  });
});

describe('the business outcomes', () => {
  it("rejects a student under 5 with the brief's message, creates nothing and tells the family why", async () => {
    const before = await counts(s.database.db);
    const form = enrollmentForm({ studentDateOfBirth: bornYearsAgo(4) });
    const res = await enrollAsAdmin(form);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'rejected', errors: [{ code: 'too_young', message: 'Student must be at least 5 years old' }] });
    expect(res.json().studentId).toBeUndefined();
    const after = await counts(s.database.db);
    // The enrollment's run and the rejected mail's notification run.
    expect(after).toEqual({ ...before, enrollments: before.enrollments + 1, runs: before.runs + 2 });
    expect(await sql('SELECT 1 FROM users WHERE email = $1', [form.parentEmail])).toEqual([]);
    expect(await notificationRuns(res.json().enrollmentId)).toEqual([`notify:enrollment:${res.json().enrollmentId}:rejected`]);
    const mail = await sink.waitFor((m) => m.to.includes(String(form.parentEmail)));
    expect(mail.subject).toBe(`Cedar Heights Music Academy: the enrollment of ${form.studentFirstName} ${form.studentLastName} was not accepted`);
    expect(mail.text).toContain('Student must be at least 5 years old');
    const [row] = await sql('SELECT status, parent_id, student_id FROM enrollments WHERE id = $1', [res.json().enrollmentId]);
    expect(row).toEqual({ status: 'rejected', parent_id: null, student_id: null });
  });

  it('waitlists an instrument nobody teaches: the enrollment is kept, no student, the family is told', async () => {
    const before = await counts(s.database.db);
    const form = enrollmentForm({ instrument: 'drums' });
    const res = await enrollAsAdmin(form);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'waitlisted', errors: [{ code: 'no_teacher', message: 'No teachers available for drums' }] });
    expect(await counts(s.database.db)).toMatchObject({ enrollments: before.enrollments + 1, students: before.students, parents: before.parents, lessons: before.lessons });
    const mail = await sink.waitFor((m) => m.to.includes(String(form.parentEmail)));
    expect(mail.subject).toBe(`${form.studentFirstName} ${form.studentLastName} is on the waiting list for drums`);
    expect(mail.text).toContain('Hello Jane');
  });

  it('waitlists when every teacher of the instrument is full', async () => {
    const full = await createTeacher(s.database.db, { instruments: ['violin'], maxStudents: 1 });
    const first = await enrollAsAdmin(enrollmentForm({ instrument: 'violin' }));
    expect(first.json()).toMatchObject({ status: 'completed', assignedTeacherId: full.teacherId });
    const second = await enrollAsAdmin(enrollmentForm({ instrument: 'violin' }));
    expect(second.json()).toMatchObject({ status: 'waitlisted', errors: [{ code: 'no_teacher', message: 'No teachers available for violin' }] });
  });

  it('completes the enrollment when payment setup fails, and flags it', async () => {
    const form = enrollmentForm({ paymentToken: 'pm_card_chargeDeclined' });
    const res = await enrollAsAdmin(form);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'completed', paymentSetup: 'failed', flags: ['payment_setup_failed'], assignedTeacherId: expect.any(Number) });
    expect(body.errors).toEqual([{ code: 'payment_setup_failed', message: expect.stringMatching(/^Payment setup failed: .*declined/i) }]);
    expect(body.demoLesson).toEqual({ lessonId: expect.any(Number), startsAt: expect.any(String) });
    const [family] = await sql<{ students: number; methods: number; customers: number }>(
      `SELECT (SELECT count(*)::int FROM students WHERE id = $1 AND teacher_id IS NOT NULL) AS students,
              (SELECT count(*)::int FROM saved_payment_methods WHERE parent_id = $2) AS methods,
              (SELECT count(*)::int FROM billing_customers WHERE parent_id = $2) AS customers`,
      [body.studentId, body.parentId],
    );
    expect(family).toEqual({ students: 1, methods: 0, customers: 1 });
    await sink.waitFor((m) => m.to.includes(String(form.parentEmail)) && m.subject.startsWith('Welcome'));
  });
});
