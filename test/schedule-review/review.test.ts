/**
 * The schedule review on a hand-built week (2030-03-04 to 03-10, America/Halifax) whose figures are
 * known: Clara (piano) has 10 h of hours and 4 h of lessons (40 %) with a 15-min hole on Monday;
 * Fanny's Thursday lesson falls in her time off (she is free on Friday); Mila waits for violin and
 * Ivan (violin) is free on Tuesday. Through the HTTP API and the real workflow, with an OpenAI
 * stand-in and the SMTP sink; each suggestion waits in the approvals inbox (schedule-suggestion).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../enrollments/helpers.js';
import { createUser } from '../helpers/app.js';
import { startAiStandIn, type AiStandIn } from '../helpers/ai-stand-in.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { insertLesson, insertStudent, setHours } from '../scheduling/helpers.js';

let stack: TestStack;
let sink: SmtpSink;
let openai: AiStandIn;
let admin: { authorization: string };
const ids = { clara: 0, fanny: 0, ivan: 0, leoLesson: 0, mila: 0, otherStudent: 0 };
let fannyEmail = '';
const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => stack.database.db.sql.query<T>(text, params);
const at = (local: string) => `${local}:00-04:00`;

beforeAll(async () => {
  sink = await startSmtpSink();
  openai = await startAiStandIn();
  stack = await createTestStack({
    env: { SMTP_URL: sink.url, AI_PROVIDERS: 'openai', OPENAI_API_KEY: 'sk-test-openai-key', OPENAI_BASE_URL: openai.url, AI_TIMEOUT_MS: '5000' },
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
  });
  const db = stack.database.db;
  await sql(`INSERT INTO settings (key, value) VALUES ('school', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
    JSON.stringify({ name: 'Maple Music', timezone: 'America/Halifax', currency: 'CAD', email: 'office@maple.example', phone: '+19025550100' }),
  ]);
  admin = (await createUser(db, 'admin')).headers;
  const parent = await createUser(db, 'parent', { firstName: 'Pat', email: 'pat.parent@maple.example' });
  await sql(`UPDATE users SET phone = '+19025550147' WHERE id = $1`, [parent.id]);
  // One after the other: teacher ids (and so the figures' order) follow the names.
  const clara = await createUser(db, 'teacher', { firstName: 'Clara' });
  const fanny = await createUser(db, 'teacher', { firstName: 'Fanny' });
  const ivan = await createUser(db, 'teacher', { firstName: 'Ivan' });
  ids.clara = clara.teacherId!;
  ids.fanny = fanny.teacherId!;
  fannyEmail = fanny.email;
  ids.ivan = ivan.teacherId!;
  await sql(`UPDATE teachers SET instruments = '{violin}' WHERE id = $1`, [ids.ivan]);
  await setHours(db, ids.clara, [
    { weekday: 1, start: '13:00', end: '18:00' },
    { weekday: 3, start: '13:00', end: '18:00' },
  ]);
  await setHours(db, ids.fanny, [
    { weekday: 4, start: '10:00', end: '12:00' },
    { weekday: 5, start: '10:00', end: '12:00' },
  ]);
  await setHours(db, ids.ivan, [{ weekday: 2, start: '16:00', end: '18:00' }]);
  const emma = await insertStudent(db, parent.id, ids.clara, { name: 'Emma' });
  const leo = await insertStudent(db, parent.id, ids.fanny, { name: 'Leo' });
  ids.otherStudent = await insertStudent(db, parent.id, ids.fanny, { name: 'Zoe' });
  for (const start of ['2030-03-04T13:00', '2030-03-04T14:15', '2030-03-06T13:00', '2030-03-06T14:00']) {
    await insertLesson(db, { studentId: emma, teacherId: ids.clara, at: at(start), minutes: 60 });
  }
  ids.leoLesson = await insertLesson(db, { studentId: leo, teacherId: ids.fanny, at: at('2030-03-07T10:00'), minutes: 30 });
  await sql(`INSERT INTO teacher_time_off (teacher_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, 'Conference')`, [ids.fanny, at('2030-03-07T09:00'), at('2030-03-07T13:00')]);
  const [mila] = await sql<{ id: number }>(
    `INSERT INTO enrollments (status, source, submission, parent_email, student_first_name, student_last_name, student_date_of_birth, instrument)
     VALUES ('waitlisted', 'public', $1, 'mila.parent@maple.example', 'Mila', 'Novak', '2016-05-01', 'violin') RETURNING id`,
    [JSON.stringify({ lessonDuration: 30, preferredLessonDay: 'tuesday', parentEmail: 'mila.parent@maple.example', parentPhone: '+19025550199' })],
  );
  ids.mila = mila!.id;
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await sink?.close();
  await openai?.close();
});

const post = (url: string, payload?: unknown) => stack.app.inject({ method: 'POST', url, headers: admin, ...(payload !== undefined ? { payload: payload as object } : {}) });
const get = (url: string) => stack.app.inject({ method: 'GET', url, headers: admin });

/** Runs a review of the week through the API and returns it once stored. */
async function review() {
  const started = await post('/api/v1/ai/schedule-review', { from: '2030-03-04', to: '2030-03-10' });
  expect(started.statusCode).toBe(202);
  const { runId } = started.json() as { runId: string };
  const run = await stack.engine.waitFor(runId, 30_000);
  // Waiting: its suggestions wait in the approvals inbox.
  expect(['waiting', 'succeeded']).toContain(run.status);
  const list = (await get('/api/v1/reports/schedule-reviews?pageSize=200')).json() as { data: { id: number; runId: string }[] };
  const found = list.data.find((r) => r.runId === runId);
  expect(found).toBeDefined();
  return { runId, review: (await get(`/api/v1/reports/schedule-reviews/${found!.id}`)).json() };
}

interface SuggestionApproval {
  id: number;
  status: string;
  title: string;
  source: string;
  outcome: string | null;
  reason: string | null;
  draft: Record<string, unknown> & { index: number; basis: Record<string, unknown> };
}

/** The schedule-suggestion approvals of a run, in the order of the review's suggestions. */
async function approvalsOf(runId: string): Promise<SuggestionApproval[]> {
  const list = (await get('/api/v1/approvals?kind=schedule-suggestion&pageSize=200')).json() as { data: (SuggestionApproval & { runId: string })[] };
  return list.data.filter((a) => a.runId === runId).sort((a, b) => a.draft.index - b.draft.index);
}

const approve = (id: number, payload: object = {}) => post(`/api/v1/approvals/${id}/approve`, payload);
const reject = (id: number, reason: string) => post(`/api/v1/approvals/${id}/reject`, { reason });
const lessonStatus = async (id: number) => (await sql<{ status: string }>(`SELECT status FROM lessons WHERE id = $1`, [id]))[0]!.status;

const none = { lessonId: null, toStartsAt: null, enrollmentId: null, teacherId: null, startsAt: null };

describe('schedule review', () => {
  it('refuses a bad range with a 400 naming the field, and starts nothing', async () => {
    for (const body of [{ from: '2030-03-10', to: '2030-03-04' }, { from: '2030-01-01', to: '2030-04-03' }, { from: '2030-02-30', to: '2030-03-04' }, { to: '2030-03-04' }]) {
      const res = await post('/api/v1/ai/schedule-review', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.details.map((d: { field: string }) => d.field)[0]).toMatch(/^body\.(to|from)$/);
    }
    expect(await sql(`SELECT 1 FROM workflow_runs WHERE workflow_name = 'schedule-review'`)).toHaveLength(0);
    const longest = await post('/api/v1/ai/schedule-review', { from: '2030-01-01', to: '2030-04-02' });
    expect(longest.statusCode).toBe(202);
    // Its suggestions wait for approval.
    expect((await stack.engine.waitFor(longest.json().runId, 30_000)).status).toBe('waiting');
  });

  it('computes exact figures, has the rules drafter write the review when the provider fails, and e-mails it to the office', async () => {
    openai.respond = () => ({ kind: 'status', status: 500 });
    const { review: r } = await review();
    expect(r.source).toBe('rules');
    expect(r.rulesReason).toBe('providers_failed');
    expect(r.figures.teachers.map((t: Record<string, unknown>) => [t.firstName, t.availableMinutes, t.bookedMinutes, t.utilisationPercent, t.lessons])).toEqual([
      ['Clara', 600, 240, 40, 4],
      ['Fanny', 120, 0, 0, 1],
      ['Ivan', 120, 0, 0, 0],
    ]);
    expect(r.figures.gaps).toEqual([{ teacherId: ids.clara, date: '2030-03-04', startsAt: at('2030-03-04T14:00'), endsAt: at('2030-03-04T14:15'), minutes: 15 }]);
    expect(r.figures.spreadDays).toEqual([]);
    const friday = ['10:00', '10:30', '11:00', '11:30'].map((time) => at(`2030-03-08T${time}`));
    expect(r.figures.clashes).toEqual([
      {
        lessonId: ids.leoLesson,
        teacherId: ids.fanny,
        studentFirstName: 'Leo',
        sharedName: 'Leo',
        startsAt: at('2030-03-07T10:00'),
        endsAt: at('2030-03-07T10:30'),
        cause: 'time_off',
        closureName: null,
        moveTo: friday,
      },
    ]);
    expect(r.figures.waitlistFits).toEqual([
      {
        enrollmentId: ids.mila,
        studentFirstName: 'Mila',
        sharedName: 'Mila',
        instrument: 'violin',
        durationMinutes: 30,
        preferredDay: 'tuesday',
        preferredTime: null,
        slots: ['16:00', '16:30', '17:00', '17:30'].map((time) => ({ teacherId: ids.ivan, startsAt: at(`2030-03-05T${time}`) })),
      },
    ]);
    expect(r.summary).toContain('Clara 40 %, 4 h booked of 10 h');
    expect(r.suggestions.map((s: Record<string, unknown>) => [s.action, s.lessonId ?? s.enrollmentId ?? s.teacherId, s.toStartsAt ?? s.startsAt, s.status])).toEqual([
      ['move_lesson', ids.leoLesson, friday[0], 'pending'],
      ['offer_slot', ids.mila, at('2030-03-05T16:00'), 'pending'],
      ['contact_teacher', ids.clara, null, 'pending'],
      ['contact_teacher', ids.fanny, null, 'pending'],
      ['contact_teacher', ids.ivan, null, 'pending'],
    ]);
    // Each suggestion waits in the inbox with the figures it rests on and its source.
    const approvals = await approvalsOf(r.runId);
    expect(approvals.map((a) => a.id)).toEqual(r.suggestions.map((s: { approvalId: number }) => s.approvalId));
    expect(approvals.map((a) => [a.status, a.source])).toEqual(Array(5).fill(['pending', 'rules']));
    expect(approvals[0]!.title).toBe(`Move Leo’s lesson ${ids.leoLesson} to ${friday[0]}`);
    expect(approvals[0]!.draft).toMatchObject({ action: 'move_lesson', reviewId: r.id, index: 0, basis: { clash: r.figures.clashes[0], waitlistFit: null } });
    expect(approvals[1]!.draft.basis).toMatchObject({ waitlistFit: r.figures.waitlistFits[0], clash: null });
    expect(approvals[2]!.draft.basis).toMatchObject({ teacher: r.figures.teachers[0], gaps: r.figures.gaps });
    const mail = await sink.waitFor((m) => m.subject.includes('schedule review 2030-03-04 to 2030-03-10'), 25_000);
    expect(mail.to).toEqual(['office@maple.example']);
    expect(mail.text).toContain('Clara 40 %');
    expect(mail.text).toContain('0. move lesson:');
  });

  it('approving a stale move answers 409 and leaves it pending; rejecting changes nothing; bad input is a 400 naming the field; undecided ones expire into tasks', {
    timeout: 90_000,
  }, async () => {
    const { runId, review: r } = await review();
    const [move, offer, clara, fanny] = await approvalsOf(runId);
    // The free time the move rests on is taken after the review.
    await insertLesson(stack.database.db, { studentId: ids.otherStudent, teacherId: ids.fanny, at: at('2030-03-08T10:00'), minutes: 30 });
    const stale = await approve(move!.id);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('conflict');
    expect(stale.json().error.message).toMatch(/can no longer be applied: .*cannot move/);
    expect((await get(`/api/v1/approvals/${move!.id}`)).json()).toMatchObject({ status: 'pending', outcome: null });
    expect(await lessonStatus(ids.leoLesson)).toBe('scheduled');

    // Bad input: nothing is decided.
    for (const [payload, field] of [
      [{ edits: { toStartsAt: 42 } }, 'body.edits.toStartsAt'],
      [{ edits: { nope: 1 } }, 'body.edits.nope'],
      [{ edits: 'later' }, 'body.edits'],
    ] as const) {
      const bad = await approve(move!.id, payload);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const noReason = await post(`/api/v1/approvals/${move!.id}/reject`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0].field).toBe('body.reason');
    expect((await approve(999_999)).statusCode).toBe(404);

    // The office edits the time to one still free: applied through the same rules.
    const edited = await approve(move!.id, { edits: { toStartsAt: at('2030-03-08T11:00') } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ status: 'approved', edits: { toStartsAt: at('2030-03-08T11:00') } });
    expect(edited.json().outcome).toMatch(new RegExp(`^Lesson ${ids.leoLesson} moved to 2030-03-08T11:00`));
    expect(await lessonStatus(ids.leoLesson)).toBe('rescheduled');
    expect((await approve(move!.id)).statusCode).toBe(409);

    // Rejecting changes nothing and keeps the reason.
    const teachersBefore = await sql(`SELECT count(*)::int AS n FROM outbox WHERE template = 'direct_message'`);
    expect((await reject(clara!.id, 'Clara likes her breaks')).statusCode).toBe(200);
    expect((await reject(clara!.id, 'again')).statusCode).toBe(409);
    expect(await sql(`SELECT count(*)::int AS n FROM outbox WHERE template = 'direct_message'`)).toEqual(teachersBefore);

    const contacted = await approve(fanny!.id);
    expect(contacted.json()).toMatchObject({ status: 'approved' });
    expect(contacted.json().outcome).toMatch(new RegExp(`^Teacher ${ids.fanny} was written to`));
    const toFanny = await sink.waitFor((m) => m.to.includes(fannyEmail) && m.subject === 'About your timetable', 25_000);
    expect(toFanny.text).toContain('only 0 % of the hours booked');

    // The waitlist's own rules: this enrollment has no run waiting for a place, so the offer is refused and stays pending.
    const offered = await approve(offer!.id);
    expect(offered.statusCode).toBe(409);
    expect(offered.json().error.message).toMatch(/not waiting for a place/);
    expect((await sql<{ promoted_at: Date | null }>(`SELECT promoted_at FROM enrollments WHERE id = $1`, [ids.mila]))[0]!.promoted_at).toBeNull();

    const view = (await get(`/api/v1/reports/schedule-reviews/${r.id}`)).json();
    expect(
      view.suggestions.map((s: { approvalId: number; status: string; outcome: string | null }) => [s.approvalId, s.status, s.outcome?.split(' ').slice(0, 2).join(' ') ?? null]),
    ).toEqual([
      [move!.id, 'approved', `Lesson ${ids.leoLesson}`],
      [offer!.id, 'pending', null],
      [clara!.id, 'rejected', 'Clara likes'],
      [fanny!.id, 'approved', `Teacher ${ids.fanny}`],
      [expect.any(Number), 'pending', null],
    ]);
    const audited = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'approval' AND entity_id = ANY($1::text[]) ORDER BY id`, [
      [move, clara, fanny, offer].map((a) => String(a!.id)),
    ]);
    expect(audited.map((a) => a.action)).toEqual(['approval.approved', 'approval.rejected', 'approval.approved']);

    // A week passes: the undecided ones expire into follow-up tasks and the run ends.
    await sql(`UPDATE workflow_waits SET deadline = now() - interval '1 second' WHERE run_id = $1`, [runId]);
    await sql(`UPDATE workflow_runs SET waiting_until = now() - interval '1 second' WHERE id = $1`, [runId]);
    await eventually(async () => (await stack.engine.waitFor(runId, 1_000)).status === 'succeeded', 'the expired review run to end', 45_000);
    const expired = (await approvalsOf(runId)).filter((a) => a.status === 'expired');
    expect(expired.map((a) => a.draft.index)).toEqual([1, 4]);
    const tasks = (await get(`/api/v1/tasks?approvalId=${offer!.id}`)).json();
    expect(tasks.data).toEqual([expect.objectContaining({ status: 'open', runId, title: expect.stringContaining('Decide: Offer Ivan’s') })]);
    // Put Leo's lesson back for the next scenario.
    await sql(`UPDATE lessons SET status = 'scheduled' WHERE id = $1`, [ids.leoLesson]);
    await sql(`DELETE FROM lessons WHERE rescheduled_from_id = $1`, [ids.leoLesson]);
  });

  it('takes a provider’s suggestions from the closed list, shares no contact details; approving applies the move and the family hears of it', { timeout: 60_000 }, async () => {
    const answer = {
      summary: 'Clara is 40 % booked. Leo’s Thursday lesson falls in Fanny’s time off.',
      suggestions: [
        { ...none, action: 'move_lesson', lessonId: ids.leoLesson, toStartsAt: at('2030-03-08T10:30'), reason: 'Fanny is free on Friday.' },
        { ...none, action: 'contact_teacher', teacherId: ids.clara, reason: 'Close the 15-minute hole on Monday.' },
      ],
    };
    openai.requests.length = 0;
    openai.plan({ kind: 'json', value: answer });
    const { review: r } = await review();
    expect(r.source).toBe('ai:openai/gpt-4o-mini');
    expect(r.summary).toBe(answer.summary);
    expect(r.suggestions.map((s: { action: string; status: string }) => [s.action, s.status])).toEqual([
      ['move_lesson', 'pending'],
      ['contact_teacher', 'pending'],
    ]);
    expect(openai.requests).toHaveLength(1);
    const sent = openai.requests[0]!.raw;
    for (const secret of ['@', 'maple.example', '5550147', '5550199', 'Novak', 'Pupil']) expect(sent).not.toContain(secret);
    for (const shared of ['Clara', 'Mila', 'Leo', 'violin', '2030-03-08T10:30:00-04:00']) expect(sent).toContain(shared);

    const runId: string = r.runId;
    const [move, contact] = await approvalsOf(runId);
    expect(move!.source).toBe('ai:openai/gpt-4o-mini');
    const applied = await approve(move!.id);
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ status: 'approved', outcome: expect.stringContaining(`Lesson ${ids.leoLesson} moved to 2030-03-08T10:30`) });
    const [moved] = await sql<{ status: string; scheduled_at: Date }>(`SELECT status, scheduled_at FROM lessons WHERE rescheduled_from_id = $1`, [ids.leoLesson]);
    expect(moved!.scheduled_at.toISOString()).toBe('2030-03-08T14:30:00.000Z');
    expect(await lessonStatus(ids.leoLesson)).toBe('rescheduled');
    const notice = await sink.waitFor((m) => m.to.includes('pat.parent@maple.example') && m.subject.startsWith('Lesson moved: Leo'), 25_000);
    expect(notice.subject).toContain('Lesson moved');
    expect((await approve(move!.id)).statusCode).toBe(409);
    // The last decision lets the run end; its output has every suggestion's outcome.
    expect((await reject(contact!.id, 'Not this week')).statusCode).toBe(200);
    await eventually(async () => (await stack.engine.waitFor(runId, 1_000)).status === 'succeeded', 'the review run to end', 45_000);
    const run = (await get(`/api/v1/workflows/runs/${runId}`)).json();
    const output = run.nodes.find((n: { nodeId: string }) => n.nodeId === 'approvals').output;
    expect(output.suggestions.map((o: { decision: string }) => o.decision)).toEqual(['approved', 'rejected']);
  });

  it('refuses a move to a time outside the computed list, or an unknown action, and falls back to the rules drafter', async () => {
    await sql(`UPDATE lessons SET status = 'scheduled' WHERE id = $1`, [ids.leoLesson]);
    await sql(`UPDATE lessons SET status = 'cancelled' WHERE rescheduled_from_id = $1`, [ids.leoLesson]);
    const outside = { summary: 'Move it.', suggestions: [{ ...none, action: 'move_lesson', lessonId: ids.leoLesson, toStartsAt: at('2030-03-08T09:00'), reason: 'Early.' }] };
    const unknown = { summary: 'Cancel it.', suggestions: [{ ...none, action: 'cancel_lesson', lessonId: ids.leoLesson, reason: 'Time off.' }] };
    for (const bad of [outside, unknown]) {
      openai.plan({ kind: 'json', value: bad }, { kind: 'json', value: bad });
      const { runId, review: r } = await review();
      expect(r.source).toBe('rules');
      expect(r.rulesReason).toBe('providers_failed');
      expect(r.suggestions[0]).toMatchObject({ action: 'move_lesson', lessonId: ids.leoLesson, toStartsAt: at('2030-03-08T10:30') });
      const calls = await sql<{ provider: string; outcome: string }>(`SELECT provider, outcome FROM ai_calls WHERE run_id = $1 ORDER BY id`, [runId]);
      expect(calls.map((c) => `${c.provider}:${c.outcome}`)).toEqual(['openai:invalid_output', 'openai:invalid_output', 'rules:ok']);
    }
  });
});
