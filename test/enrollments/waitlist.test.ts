/**
 * The waitlist through the HTTP API, with the real SMTP sink: the waitlisted mail ("no teacher for
 * cello yet") and its signed status link (works without an account; a bad, expired or another
 * enrollment's token is 401), GET /waitlist in order and why, promote (the enrollment's own run goes
 * on; bad inputs change nothing), the waitlist moving by itself when a teacher starts teaching the
 * instrument and when a student leaves (in order, once per opening), and the office declining a
 * waitlisted family (rejected mail with the office's reason).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStatusToken } from '../../src/modules/enrollments/status-link.js';
import { createUser } from '../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import type { TestStack } from '../helpers/stack.js';
import { counts, createTeacher, enrollmentForm, enrollmentStack, eventually } from './helpers.js';

type User = Awaited<ReturnType<typeof createUser>>;
let s: TestStack;
let sink: SmtpSink;
let admin: User;
const SCHOOL = 'Cedar Heights Music Academy';

beforeAll(async () => {
  sink = await startSmtpSink();
  s = await enrollmentStack({ env: { SMTP_URL: sink.url } });
  admin = await createUser(s.database.db, 'admin');
  const put = await s.app.inject({
    method: 'PUT',
    url: '/api/v1/settings/instruments',
    headers: admin.headers,
    payload: { value: ['piano', 'guitar', 'violin', 'voice', 'drums', 'cello', 'viola', 'harp', 'flute'] },
  });
  expect(put.statusCode).toBe(200);
});
afterAll(async () => {
  await s?.close();
  await sink?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);
const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = admin.headers) =>
  s.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
const enroll = async (form: Record<string, unknown>) => {
  const res = await inject('POST', '/api/v1/enrollments', form);
  expect(res.statusCode).toBe(200);
  return res.json() as { enrollmentId: number; runId: string; status: string; assignedTeacherId?: number; statusUrl: string };
};
const statusOf = async (id: number) => (await inject('GET', `/api/v1/enrollments/${id}/status`)).json();
const completed = (id: number) => eventually(async () => (await statusOf(id)).status === 'completed', `enrollment ${id} completed`, 30_000);
const linkIn = (text: string): { url: string; token: string } => {
  const match = /(http\S+\/api\/v1\/enrollments\/\d+\/status\?token=([\w.-]+))/.exec(text);
  if (!match) throw new Error(`no status link in: ${text}`);
  return { url: match[1]!, token: match[2]! };
};

describe('the waitlisted mail and the signed status link', () => {
  it('says there is no teacher for cello yet, and its link shows the status without an account', async () => {
    const form = enrollmentForm({ instrument: 'cello' });
    const body = await enroll(form);
    expect(body).toMatchObject({ status: 'waitlisted', errors: [{ code: 'no_teacher', message: 'No teachers available for cello' }] });
    expect((await s.engine.status(body.runId))?.status).toBe('waiting'); // the run waits for a place

    const mail = await sink.waitFor((m) => m.to.includes(String(form.parentEmail)));
    expect(mail.subject).toBe(`${form.studentFirstName} ${form.studentLastName} is on the waiting list for cello`);
    expect(mail.text).toContain('We have no teacher for cello yet');
    expect(mail.text).toContain(SCHOOL);
    const link = linkIn(mail.text);
    expect(link.url).toContain(`/api/v1/enrollments/${body.enrollmentId}/status?token=`);

    const path = `/api/v1/enrollments/${body.enrollmentId}/status`;
    const open = await s.app.inject({ method: 'GET', url: `${path}?token=${link.token}` });
    expect(open.statusCode).toBe(200);
    expect(open.json()).toMatchObject({ enrollmentId: body.enrollmentId, status: 'waitlisted' });

    // Nothing is shown without a token, with a forged, expired or another enrollment's one.
    const refused = async (url: string) => {
      const res = await s.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
      expect(JSON.stringify(res.json())).not.toContain('waitlisted');
    };
    await refused(path);
    await refused(`${path}?token=${link.token.slice(0, -2)}xx`);
    await refused(`${path}?token=${signStatusToken(s.services.signingSecret, body.enrollmentId, Date.now() - 31 * 86_400_000)}`);
    await refused(`${path}?token=${signStatusToken(s.services.signingSecret, body.enrollmentId + 1000)}`);
    await refused(`${path}?token=${signStatusToken('another-secret-another-secret-0123456789', body.enrollmentId)}`);
    await refused(`${path}?token=garbage`);
  });

  it('says every teacher is fully booked when the instrument is taught but full', async () => {
    await createTeacher(s.database.db, { instruments: ['harp'], maxStudents: 1 });
    expect((await enroll(enrollmentForm({ instrument: 'harp' }))).status).toBe('completed');
    const form = enrollmentForm({ instrument: 'harp' });
    expect((await enroll(form)).status).toBe('waitlisted');
    const mail = await sink.waitFor((m) => m.to.includes(String(form.parentEmail)));
    expect(mail.text).toContain('All our harp teachers are fully booked');
  });
});

describe('GET /api/v1/waitlist and POST /api/v1/enrollments/{id}/promote', () => {
  it('lists the waitlist in order with what each waits for and why; admins only', async () => {
    const first = await enroll(enrollmentForm({ instrument: 'flute', preferredLessonDay: 'tuesday', preferredLessonTime: 'evening', lessonDuration: 45 }));
    const second = await enroll(enrollmentForm({ instrument: 'flute' }));
    const res = await inject('GET', '/api/v1/waitlist?instrument=flute');
    expect(res.statusCode).toBe(200);
    const list = res.json();
    expect(list).toMatchObject({ page: 1, pageSize: 50, total: 2 });
    expect(list.data.map((e: { enrollmentId: number }) => e.enrollmentId)).toEqual([first.enrollmentId, second.enrollmentId]);
    expect(list.data[0]).toMatchObject({
      position: 1,
      instrument: 'flute',
      lessonDuration: 45,
      preferredLessonDay: 'tuesday',
      preferredLessonTime: 'evening',
      reason: { code: 'no_teacher_for_instrument' },
      promotedAt: null,
      runWaiting: true,
    });
    expect(list.data[1]).toMatchObject({ position: 2, preferredLessonDay: null });
    const parent = await createUser(s.database.db, 'parent');
    expect((await inject('GET', '/api/v1/waitlist', undefined, parent.headers)).statusCode).toBe(403);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/waitlist' })).statusCode).toBe(401);
  });

  it('does not let a new form jump the queue: the open place goes to the first family waiting', async () => {
    const waiting = await sql<{ id: number }>(`SELECT id FROM enrollments WHERE instrument = 'flute' AND status = 'waitlisted' ORDER BY created_at, id`);
    expect(waiting).toHaveLength(2);
    // A flute teacher with one place, added without any trigger: the place is owed to the waitlist.
    await createTeacher(s.database.db, { instruments: ['flute'], maxStudents: 1 });
    const newcomer = await enroll(enrollmentForm({ instrument: 'flute' }));
    expect(newcomer).toMatchObject({ status: 'waitlisted', errors: [{ code: 'no_teacher', message: 'The free flute places go to the families already on the waiting list' }] });
    // Its waitlisting moved the waitlist: the first family in line got the place.
    await completed(waiting[0]!.id);
    expect((await statusOf(waiting[1]!.id)).status).toBe('waitlisted');
    expect((await statusOf(newcomer.enrollmentId)).status).toBe('waitlisted');
  });

  it('refuses bad promotions with nothing changed', async () => {
    const pianist = await createTeacher(s.database.db, { instruments: ['piano'] });
    const done = await enroll(enrollmentForm({ instrument: 'piano' }));
    expect(done.status).toBe('completed');
    const waiting = await enroll(enrollmentForm({ instrument: 'cello' }));
    const before = await counts(s.database.db);
    const promote = (id: number, payload: unknown) => inject('POST', `/api/v1/enrollments/${id}/promote`, payload);

    const notWaitlisted = await promote(done.enrollmentId, {});
    expect(notWaitlisted.statusCode).toBe(409);
    expect(notWaitlisted.json().error.message).toContain('is not waitlisted (it is completed)');
    const unknown = await promote(waiting.enrollmentId, { teacherId: 999_999 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([{ field: 'body.teacherId', message: 'there is no active teacher 999999' }]);
    const wrongInstrument = await promote(waiting.enrollmentId, { teacherId: pianist.teacherId });
    expect(wrongInstrument.statusCode).toBe(400);
    expect(wrongInstrument.json().error.details).toEqual([{ field: 'body.teacherId', message: `teacher ${pianist.teacherId} does not teach cello` }]);
    const noPlace = await promote(waiting.enrollmentId, {});
    expect(noPlace.statusCode).toBe(409);
    expect((await promote(999_999, {})).statusCode).toBe(404);
    expect((await promote(waiting.enrollmentId, { teacherId: 'x' })).statusCode).toBe(400);

    expect(await counts(s.database.db)).toEqual(before);
    const [row] = await sql('SELECT status, promoted_at FROM enrollments WHERE id = $1', [waiting.enrollmentId]);
    expect(row).toEqual({ status: 'waitlisted', promoted_at: null });
    expect((await s.engine.status(waiting.runId))?.status).toBe('waiting');
  });

  it('promotes with the chosen teacher: the same run goes on to the student, the demo lesson and the welcome mail', async () => {
    const form = enrollmentForm({ instrument: 'cello' });
    const waiting = await enroll(form);
    const cellist = await createTeacher(s.database.db, { instruments: ['cello'], firstName: 'Pablo' });
    const other = await createTeacher(s.database.db, { instruments: ['cello'], firstName: 'Yo-Yo' });
    const res = await inject('POST', `/api/v1/enrollments/${waiting.enrollmentId}/promote`, { teacherId: other.teacherId });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ enrollmentId: waiting.enrollmentId, runId: waiting.runId, statusUrl: waiting.statusUrl });
    expect((await s.engine.waitFor(waiting.runId, 30_000)).status).toBe('succeeded');
    const status = await statusOf(waiting.enrollmentId);
    expect(status).toMatchObject({ status: 'completed', runId: waiting.runId, assignedTeacherId: other.teacherId, demoLesson: { lessonId: expect.any(Number) } });
    expect(status.errors).toBeUndefined(); // the waitlist's "no teacher" message is gone
    expect(cellist.teacherId).not.toBe(other.teacherId);
    const [row] = await sql<{ promoted_by: string }>('SELECT promoted_by FROM enrollments WHERE id = $1', [waiting.enrollmentId]);
    expect(row!.promoted_by).toBe(`admin:${admin.id}`);
    const welcome = await sink.waitFor((m) => m.to.includes(String(form.parentEmail)) && m.subject.startsWith('Welcome'));
    expect(welcome.text).toContain('Yo-Yo Tester');
    // Promoting again: it is no longer waitlisted.
    expect((await inject('POST', `/api/v1/enrollments/${waiting.enrollmentId}/promote`, {})).statusCode).toBe(409);
  });
});

describe('the waitlist moves by itself', () => {
  it('gives a new place to the first family in line when a teacher starts teaching the instrument, and the next place when a student leaves', async () => {
    const teacher = await createTeacher(s.database.db, { instruments: ['guitar'], maxStudents: 1, firstName: 'Viola' });
    const firstForm = enrollmentForm({ instrument: 'viola' });
    const first = await enroll(firstForm);
    const second = await enroll(enrollmentForm({ instrument: 'viola' }));
    expect([first.status, second.status]).toEqual(['waitlisted', 'waitlisted']);

    // The teacher starts teaching viola: one place, for the first in line.
    const patched = await inject('PATCH', `/api/v1/teachers/${teacher.teacherId}`, { instruments: ['guitar', 'viola'] });
    expect(patched.statusCode).toBe(200);
    await completed(first.enrollmentId);
    expect(await statusOf(first.enrollmentId)).toMatchObject({ assignedTeacherId: teacher.teacherId, runId: first.runId });
    await sink.waitFor((m) => m.to.includes(String(firstForm.parentEmail)) && m.subject.startsWith('Welcome'));
    const moves = await sql<{ status: string }>(`SELECT status FROM workflow_runs WHERE workflow_name = 'waitlist-moves'`);
    expect(moves.length).toBeGreaterThanOrEqual(1);

    // The second waits: the teacher is full now. Running the waitlist again changes nothing.
    await s.engine.startAndWait('waitlist-moves', { cause: 'test' }, { waitMs: 15_000 });
    expect((await statusOf(second.enrollmentId)).status).toBe('waitlisted');
    const list = (await inject('GET', '/api/v1/waitlist?instrument=viola')).json();
    expect(list.data).toMatchObject([{ enrollmentId: second.enrollmentId, position: 1, reason: { code: 'teachers_full' } }]);

    // The first student leaves: the place goes to the second.
    const left = await inject('DELETE', `/api/v1/students/${(await statusOf(first.enrollmentId)).studentId}`);
    expect(left.statusCode).toBe(204);
    await completed(second.enrollmentId);
    const [promoted] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM enrollments WHERE promoted_by = 'waitlist' AND id = ANY ($1::int[])`, [
      [first.enrollmentId, second.enrollmentId],
    ]);
    expect(promoted!.n).toBe(2);
    // Each family got one welcome mail: promoted once.
    expect(sink.messages.filter((m) => m.to.includes(String(firstForm.parentEmail)) && m.subject.startsWith('Welcome'))).toHaveLength(1);
  });
});

describe('the office declines a waitlisted family', () => {
  it('ends the waiting run rejected and mails the family the reason with the status link', async () => {
    const form = enrollmentForm({ instrument: 'drums' });
    const waiting = await enroll(form);
    const res = await inject('POST', `/api/v1/enrollments/${waiting.enrollmentId}/decline`, { reason: 'Our drum room closes for renovation until June' });
    expect(res.statusCode).toBe(200);
    expect((await s.engine.waitFor(waiting.runId, 15_000)).status).toBe('succeeded');
    const status = await statusOf(waiting.enrollmentId);
    expect(status).toMatchObject({
      status: 'rejected',
      errors: [{ code: 'waitlist_declined', message: 'The school declined this enrollment: Our drum room closes for renovation until June' }],
    });
    const mail = await sink.waitFor((m) => m.to.includes(String(form.parentEmail)) && m.subject.includes('was not accepted'));
    expect(mail.subject).toBe(`${SCHOOL}: the enrollment of ${form.studentFirstName} ${form.studentLastName} was not accepted`);
    expect(mail.text).toContain('Our drum room closes for renovation until June');
    const link = linkIn(mail.text);
    const open = await s.app.inject({ method: 'GET', url: `/api/v1/enrollments/${waiting.enrollmentId}/status?token=${link.token}` });
    expect(open.json()).toMatchObject({ status: 'rejected' });
    // Declining it again: it is no longer waiting.
    expect((await inject('POST', `/api/v1/enrollments/${waiting.enrollmentId}/decline`, { reason: 'again' })).statusCode).toBe(409);
  });
});
