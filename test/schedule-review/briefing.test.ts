/**
 * The teacher's briefing on a new student: drafted from the family's goals in the enrollment form
 * by a provider (an OpenAI stand-in) or, for a family that declined AI processing, by the rules
 * drafter without any call; it reaches the teacher in the teacher_new_student mail (SMTP sink).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { startAiStandIn, type AiStandIn } from '../helpers/ai-stand-in.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import type { TestStack } from '../helpers/stack.js';
import { createTeacher, enrollmentForm, enrollmentStack, type TestTeacher } from '../enrollments/helpers.js';

let s: TestStack;
let sink: SmtpSink;
let openai: AiStandIn;
let admin: Awaited<ReturnType<typeof createUser>>;
let clara: TestTeacher;

beforeAll(async () => {
  sink = await startSmtpSink();
  openai = await startAiStandIn();
  s = await enrollmentStack({ env: { SMTP_URL: sink.url, AI_PROVIDERS: 'openai', OPENAI_API_KEY: 'sk-test-openai-key', OPENAI_BASE_URL: openai.url, AI_TIMEOUT_MS: '5000' } });
  admin = await createUser(s.database.db, 'admin');
  clara = await createTeacher(s.database.db, { firstName: 'Clara' });
}, 60_000);
afterAll(async () => {
  await s?.close();
  await sink?.close();
  await openai?.close();
});

const goals = 'Emma loves film music and wants to play the Amélie waltz. She is shy at first. Call me at 902-555-0147 or jane.secret@family.example.';
const enroll = (form: Record<string, unknown>) => s.app.inject({ method: 'POST', url: '/api/v1/enrollments', headers: admin.headers, payload: form });
const teacherMailOf = (form: Record<string, unknown>) => sink.waitFor((m) => m.to.includes(clara.email) && m.subject.includes(String(form.studentLastName)), 25_000);

describe('the enrollment briefing', () => {
  it('puts the provider’s briefing in the teacher’s mail; only first names, instrument, age band and the family’s words (scrubbed) are sent', async () => {
    const briefing = 'Emma, 9–12, starts piano. She loves film music (the Amélie waltz); give her time to warm up.';
    openai.requests.length = 0;
    openai.plan({ kind: 'json', value: { briefing } });
    // AI processing is opt-in on the form (unticked, the rules drafter writes the briefing).
    const form = enrollmentForm({ goals, consents: { aiProcessing: true } });
    const res = await enroll(form);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('completed');
    const mail = await teacherMailOf(form);
    expect(mail.text).toContain(briefing);
    expect(openai.requests).toHaveLength(1);
    const sent = openai.requests[0]!.raw;
    for (const shared of ['Emma', 'Jane', 'piano', '9–12', 'Amélie waltz', '[phone]', '[email]']) expect(sent).toContain(shared);
    for (const secret of ['555-0147', 'jane.secret', String(form.parentEmail), String(form.studentLastName), String(form.studentDateOfBirth), '5550142'])
      expect(sent).not.toContain(secret);
  });

  it('has the rules drafter write it for a family that declined AI processing, with no provider call', async () => {
    const parent = await createUser(s.database.db, 'parent', { firstName: 'Jane', email: `declined.${Date.now()}@family.example` });
    await s.database.db.sql.query('UPDATE users SET ai_processing_declined = true WHERE id = $1', [parent.id]);
    openai.requests.length = 0;
    const form = enrollmentForm({ parentEmail: parent.email, goals: 'Wants to join the school band next year.' });
    const res = await enroll(form);
    expect(res.json()).toMatchObject({ status: 'completed', parentId: parent.id });
    const mail = await teacherMailOf(form);
    expect(mail.text).toContain('Emma (age 9–12) starts piano with 30-minute lessons. In the family’s words: “Wants to join the school band next year.”');
    expect(openai.requests).toHaveLength(0);
    const [call] = await s.database.db.sql.query<{ provider: string; reason: string }>(
      `SELECT provider, reason FROM ai_calls WHERE task = 'enrollment.teacher_briefing' AND run_id = $1`,
      [res.json().runId],
    );
    expect(call).toEqual({ provider: 'rules', reason: 'declined' });
  });

  it('refuses goals longer than 1000 characters, naming the field, and stores nothing', async () => {
    const form = enrollmentForm({ goals: 'x'.repeat(1001) });
    const res = await enroll(form);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ field: 'body.goals', message: 'must be at most 1000 characters' }]);
    expect(await s.database.db.sql.query('SELECT 1 FROM enrollments WHERE student_last_name = $1', [form.studentLastName])).toHaveLength(0);
  });
});
