/**
 * Lesson notices over a real SMTP server: a cancellation (by the parent, by the teacher, from a
 * workflow) and a reschedule (by the office) reach the family and the teacher by e-mail, in the
 * school's name (the `school` setting, changed through the API), with local times in the school's
 * zone, who acted and the make-up credit; a lesson or a series booked with POST /lessons is
 * confirmed once to each. Bad input changes nothing and tells no one.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode, defineWorkflow, WorkflowRegistry } from '../../src/engine/index.js';
import { cancelLesson } from '../../src/modules/lessons/cancel.js';
import { noticeLessonsCancelled } from '../../src/modules/lessons/notices.js';
import { lessonDepsOf } from '../../src/modules/lessons/workflows/workflow.js';
import type { SchoolServices } from '../../src/modules/services.js';
import { buildWorkflowRegistry } from '../../src/runtime/workflows.js';
import { createUser } from '../helpers/app.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { call, fieldsOf, inDays, inHours, insertStudent, setHours, zone, type TestUser } from './helpers.js';

const SCHOOL = { name: 'Birch Hill Music', timezone: zone, currency: 'CAD', email: 'office@birchhill.example', phone: '+19025550111' };
const CANCEL_WORKFLOW = 'test_cancel_lessons';

let sink: SmtpSink;
let s: TestStack;
let admin: TestUser;

/** A test workflow that cancels lessons through the lessons module, as closures and time off do. */
const cancelEvent = z.object({ adminId: z.number().int(), lessonIds: z.array(z.number().int()), reason: z.string() });
function cancelWorkflow(services: SchoolServices) {
  const deps = lessonDepsOf(services);
  return defineWorkflow({
    name: CANCEL_WORKFLOW,
    description: 'Test: cancels lessons as the office',
    event: cancelEvent,
    start: 'cancel',
    nodes: [
      {
        node: defineNode<z.infer<typeof cancelEvent>, { runs: string[] }>({
          id: 'cancel',
          process: async (ctx) => {
            const caller = { userId: ctx.event.adminId, role: 'admin' as const };
            const actor = { userId: ctx.event.adminId, role: 'admin' as const, requestId: ctx.idempotencyKey };
            const runs: string[] = [];
            for (const id of ctx.event.lessonIds) {
              const done = await cancelLesson(deps, caller, actor, id, { reason: ctx.event.reason });
              runs.push(...done.notices.map((n) => n.runId ?? 'failed'));
            }
            return { runs };
          },
        }),
      },
    ],
  });
}

beforeAll(async () => {
  sink = await startSmtpSink();
  s = await createTestStack({
    env: { SMTP_URL: sink.url, MAIL_FROM: 'Office <office@birchhill.example>' },
    registry: (services) => {
      const school = buildWorkflowRegistry(services);
      const registry = new WorkflowRegistry();
      for (const { name } of school.list()) registry.register(school.get(name));
      registry.register(cancelWorkflow(services));
      return registry;
    },
  });
  admin = await createUser(s.database.db, 'admin');
  expect((await call(s, admin, 'PUT', '/api/v1/settings/school', { value: SCHOOL })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await s?.close();
  await sink?.close();
});

/** A family (parent Pat, student Emma Pupil) and their teacher Clara, available around the clock. */
async function family() {
  const db = s.database.db;
  const parent = await createUser(db, 'parent', { firstName: 'Pat' });
  const teacher = await createUser(db, 'teacher', { firstName: 'Clara' });
  await setHours(
    db,
    teacher.teacherId!,
    [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
  );
  const studentId = await insertStudent(db, parent.id, teacher.teacherId);
  return { parent, teacher, studentId };
}
type Family = Awaited<ReturnType<typeof family>>;

async function book(f: Family, scheduledAt: string, extra: Record<string, unknown> = {}) {
  const res = await call(s, admin, 'POST', '/api/v1/lessons', { studentId: f.studentId, teacherId: f.teacher.teacherId, scheduledAt, ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

/** "Monday, March 8, 2027 at 4:00 p.m." in the school's zone: how the mails write the instant (then ADT/AST). */
function local(iso: string): string {
  const at = DateTime.fromISO(iso).setZone(zone);
  const hour = at.toFormat('h:mm');
  return `${at.setLocale('en-US').toFormat('cccc, LLLL d, yyyy')} at ${hour} ${at.hour < 12 ? 'a.m.' : 'p.m.'}`;
}

const mailTo = (user: TestUser, subject: string) => sink.waitFor((m: ReceivedMail) => m.to.includes(user.email) && m.subject.startsWith(subject));
const noticeKeys = async (pattern: string) =>
  (await s.database.db.sql.query<{ key: string }>(`SELECT idempotency_key AS key FROM workflow_runs WHERE idempotency_key LIKE $1 ORDER BY 1`, [pattern])).map((r) => r.key);

describe('cancellation notices', () => {
  it('a parent cancelling in time: the family and the teacher are told, with the local time, who cancelled and the make-up credit', async () => {
    const f = await family();
    const lesson = await book(f, inDays(5, '16:00'));
    const res = await call(s, f.parent, 'POST', `/api/v1/lessons/${lesson.id}/cancel`, { reason: 'Emma is ill' });
    expect(res.status).toBe(200);
    expect(res.body.makeupCreditId).toEqual(expect.any(Number));
    expect(res.body.notices).toEqual([
      { recipient: 'parent', runId: expect.any(String), status: 'started' },
      { recipient: 'teacher', runId: expect.any(String), status: 'started' },
    ]);

    const when = local(lesson.scheduledAt);
    for (const user of [f.parent, f.teacher]) {
      const mail = await mailTo(user, 'Lesson cancelled');
      expect(mail.subject).toMatch(new RegExp(`^Lesson cancelled: Emma Pupil, ${when} A[DS]T$`));
      expect(mail.text).toContain(`Hello ${user === f.parent ? 'Pat' : 'Clara'},`);
      expect(mail.text).toContain('with Clara Tester');
      expect(mail.text).toContain('is cancelled by Pat Tester (parent).');
      expect(mail.text).toContain('Reason: Emma is ill');
      expect(mail.text).toContain('A make-up lesson credit was added for Emma Pupil');
      expect(mail.text).toContain(SCHOOL.name);
      expect(mail.html).toContain(SCHOOL.name);
    }
    expect(await noticeKeys(`notify:lesson:${lesson.id}:cancelled:%`)).toEqual([`notify:lesson:${lesson.id}:cancelled:parent`, `notify:lesson:${lesson.id}:cancelled:teacher`]);
  });

  it("a teacher cancelling: the school's cancellation, named after the teacher, with the reason and a credit", async () => {
    const f = await family();
    const lesson = await book(f, inDays(6, '09:30'));
    const res = await call(s, f.teacher, 'POST', `/api/v1/lessons/${lesson.id}/cancel`, { reason: 'Concert rehearsal' });
    expect(res.status).toBe(200);
    expect(res.body.notices.map((n: { status: string }) => n.status)).toEqual(['started', 'started']);
    const mail = await mailTo(f.parent, 'Lesson cancelled');
    expect(mail.subject).toContain(`${local(lesson.scheduledAt)} A`);
    expect(mail.text).toContain('is cancelled by Clara Tester (teacher).');
    expect(mail.text).toContain('Reason: Concert rehearsal');
    expect(mail.text).toContain('A make-up lesson credit was added');
    await mailTo(f.teacher, 'Lesson cancelled');
  });

  it('a late family cancellation recorded by the office says no credit was granted', async () => {
    const f = await family();
    const lesson = await book(f, inHours(6));
    const res = await call(s, admin, 'POST', `/api/v1/lessons/${lesson.id}/cancel`, { initiatedBy: 'family' });
    expect(res.status).toBe(200);
    expect(res.body.makeupCreditId).toBeNull();
    const mail = await mailTo(f.parent, 'Lesson cancelled');
    expect(mail.text).toContain('is cancelled by the school.');
    expect(mail.text).not.toContain('Reason:');
    expect(mail.text).toContain('This cancellation adds no lesson credit.');
    expect(mail.text).not.toContain('make-up');
  });

  it('a workflow cancelling lessons through cancelLesson tells each family and teacher once, however often it is asked', async () => {
    const f = await family();
    const first = await book(f, inDays(8, '16:00'));
    const second = await book(f, inDays(9, '16:00'));
    const { run } = await s.engine.start(CANCEL_WORKFLOW, { adminId: admin.id, lessonIds: [first.id, second.id], reason: 'Snow day' });
    const done = await s.engine.waitFor(run.id, 30_000);
    expect(done.status).toBe('succeeded');

    for (const lesson of [first, second]) {
      const mail = await sink.waitFor((m) => m.to.includes(f.parent.email) && m.subject.startsWith(`Lesson cancelled: Emma Pupil, ${local(lesson.scheduledAt)} A`));
      expect(mail.text).toContain('Reason: Snow day');
      expect(mail.text).toContain('is cancelled by the school.');
      await sink.waitFor((m) => m.to.includes(f.teacher.email) && m.subject.includes(local(lesson.scheduledAt)));
    }
    // Asking again (a retried node, a bulk action run twice) starts nothing new.
    const again = await noticeLessonsCancelled(s.services, [first.id, second.id]);
    expect(again).toHaveLength(4);
    expect(again.every((n) => n.status === 'started')).toBe(true);
    expect((await noticeKeys(`notify:lesson:${first.id}:cancelled:%`)).length + (await noticeKeys(`notify:lesson:${second.id}:cancelled:%`)).length).toBe(4);
    // A lesson that is not cancelled is not announced as cancelled.
    const live = await book(f, inDays(10, '16:00'));
    expect(await noticeLessonsCancelled(s.services, [live.id])).toEqual([]);
  });

  it('refuses bad input naming the field, changing nothing and telling no one', async () => {
    const f = await family();
    const lesson = await book(f, inDays(5, '15:00'));
    const long = await call(s, f.parent, 'POST', `/api/v1/lessons/${lesson.id}/cancel`, { reason: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect(fieldsOf(long.body)).toEqual(['body.reason']);
    const who = await call(s, admin, 'POST', `/api/v1/lessons/${lesson.id}/cancel`, { initiatedBy: 'teacher' });
    expect(who.status).toBe(400);
    expect(fieldsOf(who.body)).toEqual(['body.initiatedBy']);
    expect((await call(s, admin, 'GET', `/api/v1/lessons/${lesson.id}`)).body.status).toBe('scheduled');
    expect(await noticeKeys(`notify:lesson:${lesson.id}:cancelled:%`)).toEqual([]);
  });
});

describe('reschedule notices', () => {
  it('the office moving a lesson tells the family and the teacher the old and the new local time', async () => {
    const f = await family();
    const lesson = await book(f, inDays(7, '16:00'));
    const to = inDays(8, '17:30');
    const res = await call(s, admin, 'POST', `/api/v1/lessons/${lesson.id}/reschedule`, { scheduledAt: to });
    expect(res.status).toBe(200);
    expect(res.body.notices.map((n: { recipient: string; status: string }) => [n.recipient, n.status])).toEqual([
      ['parent', 'started'],
      ['teacher', 'started'],
    ]);
    for (const user of [f.parent, f.teacher]) {
      const mail = await mailTo(user, 'Lesson moved');
      expect(mail.subject).toMatch(new RegExp(`^Lesson moved: Emma Pupil, now ${local(to)} A[DS]T$`));
      expect(mail.text).toMatch(new RegExp(`Was: ${local(lesson.scheduledAt)} A[DS]T`));
      expect(mail.text).toMatch(new RegExp(`Now: ${local(to)} A[DS]T \\(30 minutes\\)`));
      expect(mail.text).toContain('(the school changed it)');
      expect(mail.text).toContain(SCHOOL.name);
    }
    expect(await noticeKeys(`notify:lesson:${lesson.id}:rescheduled:%`)).toHaveLength(2);
  });

  it('a parent moving their lesson is named in the notice', async () => {
    const f = await family();
    const lesson = await book(f, inDays(7, '10:00'));
    const res = await call(s, f.parent, 'POST', `/api/v1/lessons/${lesson.id}/reschedule`, { scheduledAt: inDays(7, '11:00') });
    expect(res.status).toBe(200);
    const mail = await mailTo(f.teacher, 'Lesson moved');
    expect(mail.text).toContain('(Pat Tester (parent) changed it)');
  });

  it('a time in the past or a clash changes nothing and tells no one', async () => {
    const f = await family();
    const lesson = await book(f, inDays(7, '12:00'));
    const other = await book(f, inDays(7, '13:00'));
    const past = await call(s, admin, 'POST', `/api/v1/lessons/${lesson.id}/reschedule`, { scheduledAt: inDays(-1, '12:00') });
    expect(past.status).toBe(400);
    expect(fieldsOf(past.body)).toEqual(['body.scheduledAt']);
    const bad = await call(s, admin, 'POST', `/api/v1/lessons/${lesson.id}/reschedule`, { scheduledAt: 'next tuesday' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['body.scheduledAt']);
    const clash = await call(s, admin, 'POST', `/api/v1/lessons/${lesson.id}/reschedule`, { scheduledAt: other.scheduledAt });
    expect(clash.status).toBe(409);
    expect((await call(s, admin, 'GET', `/api/v1/lessons/${lesson.id}`)).body.status).toBe('scheduled');
    expect(await noticeKeys(`notify:lesson:${lesson.id}:rescheduled:%`)).toEqual([]);
  });
});

describe('POST /lessons confirmations', () => {
  it('confirms one lesson to the family and the teacher', async () => {
    const f = await family();
    const lesson = await book(f, inDays(4, '16:15'));
    expect(lesson.notices).toEqual([
      { recipient: 'parent', runId: expect.any(String), status: 'started' },
      { recipient: 'teacher', runId: expect.any(String), status: 'started' },
    ]);
    for (const user of [f.parent, f.teacher]) {
      const mail = await mailTo(user, 'Lesson booked');
      expect(mail.subject).toMatch(new RegExp(`^Lesson booked: Emma Pupil, ${local(lesson.scheduledAt)} A[DS]T$`));
      expect(mail.text).toContain("Emma Pupil's lesson with Clara Tester is booked for");
      expect(mail.text).toContain(SCHOOL.name);
    }
  });

  it('confirms a weekly series once, listing the series, not once per lesson', async () => {
    const f = await family();
    const series = await book(f, inDays(4, '17:00'), { recurrence: { frequency: 'weekly', count: 4 } });
    expect(series.lessons).toHaveLength(4);
    expect(series.notices).toHaveLength(2);
    const mail = await mailTo(f.parent, 'Lesson booked');
    expect(mail.text).toContain('A series of 4 lessons is booked for Emma Pupil with Clara Tester, starting');
    expect(mail.subject).toContain(local(series.lessons[0].scheduledAt));
    await mailTo(f.teacher, 'Lesson booked');
    const ids = series.lessons.map((l: { id: number }) => l.id);
    const keys = (await Promise.all(ids.map((id: number) => noticeKeys(`notify:lesson:${id}:booked:%`)))).flat();
    // One notification per recipient for the whole series: the only runs keyed on its lessons.
    expect(keys).toEqual([`notify:lesson:${ids[0]}:booked:parent`, `notify:lesson:${ids[0]}:booked:teacher`]);
  });
});

describe("the school's name from settings", () => {
  it('a renamed school is named in the next mail and in the calendar feed', async () => {
    const f = await family();
    const renamed = { ...SCHOOL, name: 'Harbourview Conservatory' };
    expect((await call(s, admin, 'PUT', '/api/v1/settings/school', { value: renamed })).status).toBe(200);
    try {
      const lesson = await book(f, inDays(3, '16:45'));
      const mail = await mailTo(f.parent, 'Lesson booked');
      expect(mail.text).toContain('Harbourview Conservatory');
      expect(mail.html).toContain('Harbourview Conservatory');
      expect(mail.text).not.toContain(SCHOOL.name);

      const feed = await call(s, f.parent, 'POST', '/api/v1/calendar/feeds', {});
      expect(feed.status).toBe(201);
      const ics = await call(s, null, 'GET', `/api/v1/calendar/${feed.body.token}.ics`);
      expect(ics.status).toBe(200);
      const text = ics.text.replace(/\r\n[ \t]/g, '');
      expect(text).toContain('X-WR-CALNAME:Harbourview Conservatory: family lessons');
      expect(text).toContain(`UID:lesson-${lesson.id}@cedar-heights`);
      expect(text).toContain('SUMMARY:Piano lesson: Emma Pupil with Clara Tester · Harbourview Conservatory');
      expect(text).toMatch(/ORGANIZER;CN="?Harbourview Conservatory"?:mailto:office@birchhill.example/);
      expect(text).not.toContain('Cedar Heights:');
    } finally {
      expect((await call(s, admin, 'PUT', '/api/v1/settings/school', { value: SCHOOL })).status).toBe(200);
    }
  });
});
