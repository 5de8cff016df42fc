/**
 * People told and not entered twice, through the HTTP API with the real SMTP sink: a teacher
 * created with POST /teachers gets the set-password mail like one created with POST /users (and the
 * link works); duplicate students (same parent, name trimmed and case-insensitive, date of birth)
 * are refused with 409 and nothing changed, by POST, PUT and PATCH /students and by an enrollment
 * for a child the family already has with another instrument (the same instrument reuses it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, createTeacher, enrollmentForm, enrollmentStack } from '../enrollments/helpers.js';
import { createUser } from '../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import type { TestStack } from '../helpers/stack.js';

type User = Awaited<ReturnType<typeof createUser>>;
let s: TestStack;
let sink: SmtpSink;
let admin: User;

beforeAll(async () => {
  sink = await startSmtpSink();
  s = await enrollmentStack({ env: { SMTP_URL: sink.url } });
  admin = await createUser(s.database.db, 'admin');
});
afterAll(async () => {
  await s?.close();
  await sink?.close();
});

const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
  s.app.inject({ method, url, headers: admin.headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

describe('POST /api/v1/teachers with a new account', () => {
  it('mails the set-password link, which lets the teacher sign in', async () => {
    const email = `clara.${Date.now()}@teachers.example`;
    const res = await inject('POST', '/api/v1/teachers', { user: { email, firstName: 'Clara', lastName: 'Schumann' }, instruments: ['piano'], hourlyRateCents: 6000 });
    expect(res.statusCode).toBe(201);
    await s.engine.startAndWait('outbox-dispatch', { firedAt: new Date().toISOString() }, { waitMs: 10_000 });
    const mail = await sink.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toBe('Cedar Heights Music Academy: choose your password');
    expect(mail.text).toContain('Hello Clara');
    const token = decodeURIComponent(/set-password\?token=([^\s&]+)/.exec(mail.text)![1]!);
    const password = 'a-new-teacher-password-1';
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, newPassword: password } })).statusCode).toBe(204);
    const login = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({ role: 'teacher', teacherId: res.json().id });
  });

  it('sends nothing when the profile is for an existing account, and nothing when the request is refused', async () => {
    const teacher = await createUser(s.database.db, 'teacher');
    await s.database.db.sql.query('DELETE FROM teachers WHERE user_id = $1', [teacher.id]);
    const before = sink.messages.length;
    expect((await inject('POST', '/api/v1/teachers', { userId: teacher.id, instruments: ['piano'], hourlyRateCents: 6000 })).statusCode).toBe(201);
    const refused = await inject('POST', '/api/v1/teachers', {
      user: { email: teacher.email, firstName: 'Dup', lastName: 'Licate' },
      instruments: ['piano'],
      hourlyRateCents: 6000,
    });
    expect(refused.statusCode).toBe(409);
    await s.engine.startAndWait('outbox-dispatch', { firedAt: new Date().toISOString() }, { waitMs: 10_000 });
    const [outbox] = await s.database.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE recipient = $1`, [teacher.email]);
    expect(outbox!.n).toBe(0);
    expect(sink.messages.slice(before).filter((m) => m.to.includes(teacher.email))).toEqual([]);
  });
});

describe('duplicate students', () => {
  const studentOf = (parentId: number, overrides: Record<string, unknown> = {}) => ({
    parentId,
    firstName: 'Emma',
    lastName: 'Wilson',
    dateOfBirth: '2016-03-04',
    instrument: 'piano',
    lessonRateCents: 4500,
    ...overrides,
  });

  it('refuses the same child twice (409 naming the field, nothing written), by POST, PUT and PATCH', async () => {
    const parent = await createUser(s.database.db, 'parent');
    const created = await inject('POST', '/api/v1/students', studentOf(parent.id));
    expect(created.statusCode).toBe(201);
    const before = await counts(s.database.db);
    const again = await inject('POST', '/api/v1/students', studentOf(parent.id, { firstName: '  emma ', lastName: 'WILSON', instrument: 'guitar' }));
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'conflict', details: [{ field: 'body.firstName', message: expect.stringContaining('already has an active student') }] });
    expect(await counts(s.database.db)).toEqual(before);

    // Another date of birth, another parent, or a sibling: different children.
    expect((await inject('POST', '/api/v1/students', studentOf(parent.id, { dateOfBirth: '2018-01-01' }))).statusCode).toBe(201);
    const other = await createUser(s.database.db, 'parent');
    expect((await inject('POST', '/api/v1/students', studentOf(other.id))).statusCode).toBe(201);
    const sibling = await inject('POST', '/api/v1/students', studentOf(parent.id, { firstName: 'Liam' }));
    expect(sibling.statusCode).toBe(201);

    // Renaming the sibling into Emma is the same duplicate.
    const renamed = await inject('PATCH', `/api/v1/students/${sibling.json().id}`, { firstName: 'Emma' });
    expect(renamed.statusCode).toBe(409);
    const replaced = await inject('PUT', `/api/v1/students/${sibling.json().id}`, studentOf(parent.id));
    expect(replaced.statusCode).toBe(409);
    expect((await inject('GET', `/api/v1/students/${sibling.json().id}`)).json().firstName).toBe('Liam');
    // A student who left is not in the way.
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/students/${created.json().id}`, headers: admin.headers })).statusCode).toBe(204);
    expect((await inject('POST', '/api/v1/students', studentOf(parent.id))).statusCode).toBe(201);
  });

  it('lets one of five identical requests at once through', async () => {
    const parent = await createUser(s.database.db, 'parent');
    const answers = await Promise.all(Array.from({ length: 5 }, () => inject('POST', '/api/v1/students', studentOf(parent.id, { firstName: 'Mia' }))));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    const [students] = await s.database.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM students WHERE parent_id = $1', [parent.id]);
    expect(students!.n).toBe(1);
  });

  it('an enrollment for a child the family already has reuses it for the same instrument, and is rejected for another one', async () => {
    await createTeacher(s.database.db, { instruments: ['piano', 'guitar'] });
    const parent = await createUser(s.database.db, 'parent');
    const child = await inject('POST', '/api/v1/students', studentOf(parent.id, { firstName: 'Noah', dateOfBirth: '2015-05-06' }));
    expect(child.statusCode).toBe(201);
    const form = enrollmentForm({ parentEmail: parent.email, studentFirstName: ' NOAH ', studentLastName: 'wilson', studentDateOfBirth: '2015-05-06' });

    const guitar = await inject('POST', '/api/v1/enrollments', { ...form, instrument: 'guitar' });
    expect(guitar.statusCode).toBe(200);
    expect(guitar.json()).toMatchObject({
      status: 'rejected',
      errors: [{ code: 'student_exists', message: expect.stringContaining('is already a student of the school (piano)') }],
    });
    const mail = await sink.waitFor((m) => m.to.includes(parent.email) && m.subject.includes('was not accepted'));
    expect(mail.text).toContain('is already a student of the school (piano)');

    const piano = await inject('POST', '/api/v1/enrollments', { ...form, instrument: 'piano' });
    expect(piano.json()).toMatchObject({ status: 'completed', studentId: child.json().id });
    const [students] = await s.database.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM students WHERE parent_id = $1', [parent.id]);
    expect(students!.n).toBe(1);
  });
});
