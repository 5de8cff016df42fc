/**
 * Progress reports on the rules drafter (no provider configured): what is compiled and flagged,
 * approve (the mail to the parent), edit then approve (the edited text sent), reject (nothing
 * sent), bulk approval, idempotence per student and period, the crons' periods, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEMESTER_REPORTS_WORKFLOW, PROGRESS_REPORTS_WORKFLOW } from '../../src/modules/progress-reports/batch.js';
import { savePreferences } from '../../src/modules/notifications/preferences.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { eventually } from '../enrollments/helpers.js';
import { OCTOBER, PRIVATE_NOTE, reportFamily, type ReportFamily } from './fixture.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  s = await createTestStack({ env: { SCHOOL_TIMEZONE: 'America/Halifax' }, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}) });
  admin = await createUser(s.database.db, 'admin');
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => s.database.db.sql.query<T>(text, params);
const call = (method: 'GET' | 'POST', url: string, payload?: unknown, headers = admin.headers) =>
  s.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
const fields = (res: { json(): { error?: { details?: Array<{ field: string }> } } }) => (res.json().error?.details ?? []).map((d) => d.field);

interface Started {
  studentId: number;
  from: string;
  to: string;
  runId: string;
  created: boolean;
}

/** Runs a batch to its end; returns the per-student runs it started. */
async function batch(runId: string): Promise<Started[]> {
  const done = await s.engine.waitFor(runId, 30_000);
  expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
  const run = (await call('GET', `/api/v1/workflows/runs/${runId}`)).json();
  return run.nodes.find((n: { nodeId: string }) => n.nodeId === 'start-reports').output.started;
}

/** Asks for the reports of `studentIds` over October; waits until each run waits for approval. */
async function requestReports(studentIds: number[], period: { from: string; to: string } = OCTOBER) {
  const res = await call('POST', '/api/v1/ai/progress-reports', { studentIds, period });
  expect(res.statusCode, res.body).toBe(202);
  const started = await batch(res.json().runId);
  for (const r of started) expect((await s.engine.waitFor(r.runId, 30_000)).status).toBe('waiting');
  return started;
}

async function approvalOf(runId: string) {
  const list = (await call('GET', '/api/v1/approvals?status=pending&kind=progress-report&pageSize=100')).json();
  const approval = list.data.find((a: { runId: string }) => a.runId === runId);
  expect(approval, 'a pending progress-report approval').toBeDefined();
  return approval;
}

async function reportOf(studentId: number) {
  const res = await call('GET', `/api/v1/reports/progress-reports?studentId=${studentId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data[0];
}

const mailsTo = (email: string) =>
  sql<{ subject: string; body_text: string }>(`SELECT subject, body_text FROM outbox WHERE lower(recipient) = lower($1) AND template = 'progress_report'`, [email]);

describe('progress reports on the rules drafter', () => {
  let flagged: ReportFamily;
  let quiet: ReportFamily;

  it('compiles each student’s period, flags who needs attention, drafts with the rules and waits for approval', { timeout: 90_000 }, async () => {
    flagged = await reportFamily(s.database.db, {
      childName: 'Olivier',
      october: [
        { attendance: 'present', notes: 'Olivier played the minuet hands together.' },
        { attendance: 'absent', notes: null },
        { attendance: 'absent', notes: null },
        { attendance: 'present', notes: null },
      ],
      september: ['present', 'present', 'present'],
      overdueCents: 18_000,
    });
    quiet = await reportFamily(s.database.db, { firstName: 'Aline', childName: 'Zoe', october: [{ attendance: 'present', notes: null }], progress: false });
    const started = await requestReports([flagged.studentId, quiet.studentId]);
    expect(started.map((r) => [r.studentId, r.from, r.to, r.created])).toEqual([
      [flagged.studentId, OCTOBER.from, OCTOBER.to, true],
      [quiet.studentId, OCTOBER.from, OCTOBER.to, true],
    ]);

    const report = await reportOf(flagged.studentId);
    expect(report).toMatchObject({ status: 'pending', cadence: 'office', source: 'rules', rulesReason: 'no_provider', from: OCTOBER.from, to: OCTOBER.to, sentAt: null });
    expect(report.flags.map((f: { code: string }) => f.code)).toEqual(['absences', 'falling_attendance', 'overdue_payments']);
    expect(report.flags.map((f: { reason: string }) => f.reason)).toEqual([
      '2 unexcused absences in the period',
      'attendance fell from 100 % to 50 %',
      '1 overdue payment(s), 180.00 owed',
    ]);
    const quietReport = await reportOf(quiet.studentId);
    expect(quietReport.flags).toEqual([{ code: 'no_notes', reason: 'no note shared with the family in 1 completed lesson(s)' }]);
    const flaggedOnly = (await call('GET', `/api/v1/reports/progress-reports?flagged=true&from=${OCTOBER.from}&to=${OCTOBER.to}&pageSize=100`)).json();
    expect(flaggedOnly.data.map((r: { studentId: number }) => r.studentId)).toContain(flagged.studentId);

    // The rules draft: figures, goals, pieces, the exam and the shared note; never the private note or money.
    const approval = await approvalOf(started[0]!.runId);
    expect(approval).toMatchObject({ kind: 'progress-report', parentId: flagged.parentId, studentId: flagged.studentId, source: 'rules' });
    expect(approval.id).toBe(report.approvalId);
    expect(approval.title).toContain('Progress report of Olivier Tremblay, October 2026 (needs attention: 2 unexcused absences');
    const { subject, message } = approval.draft as { subject: string; message: string };
    expect(subject).toBe("Olivier's progress report: October 2026");
    expect(message).toContain('Hello Marguerite,');
    expect(message).toContain('Olivier attended 2 of 4 lessons (50 % attendance)');
    expect(message).toContain('Goals reached: Play the minuet hands together.');
    expect(message).toContain('Repertoire: Minuet in G (polishing).');
    expect(message).toContain('Assessment on 2026-10-20: RCM Preparatory A, honours (82).');
    expect(message).toContain('2026-10-05: Olivier played the minuet hands together.');
    for (const secret of [PRIVATE_NOTE, 'divorcing', '180.00', flagged.parentEmail]) expect(message).not.toContain(secret);

    // Approved as drafted: the mail goes to the parent.
    const approved = await call('POST', `/api/v1/approvals/${approval.id}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await s.engine.waitFor(started[0]!.runId, 30_000)).status).toBe('succeeded');
    await eventually(async () => (await mailsTo(flagged.parentEmail)).length === 1, 'the report mail');
    const [mail] = await mailsTo(flagged.parentEmail);
    expect(mail!.subject).toBe(subject);
    expect(mail!.body_text).toContain('Olivier attended 2 of 4 lessons');
    expect(await reportOf(flagged.studentId)).toMatchObject({ status: 'sent', sentText: message, sentAt: expect.any(String), decidedAt: expect.any(String) });
  });

  it('sends the edited text when the approver edits it; bad edits change nothing', { timeout: 90_000 }, async () => {
    const family = await reportFamily(s.database.db, { firstName: 'Brigitte', childName: 'Leo' });
    const [run] = await requestReports([family.studentId]);
    const approval = await approvalOf(run!.runId);
    const link = await call('POST', `/api/v1/approvals/${approval.id}/approve`, { edits: { message: 'Pay at https://evil.example now' } });
    expect(link.statusCode).toBe(400);
    expect(fields(link)).toEqual(['body.edits.message']);
    const extra = await call('POST', `/api/v1/approvals/${approval.id}/approve`, { edits: { refund: true } });
    expect(fields(extra)).toEqual(['body.edits.refund']);
    const edited = 'Hello Brigitte,\n\nLeo had a wonderful October. See you at the recital!';
    const approved = await call('POST', `/api/v1/approvals/${approval.id}/approve`, { edits: { message: edited } });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await s.engine.waitFor(run!.runId, 30_000)).status).toBe('succeeded');
    await eventually(async () => (await mailsTo(family.parentEmail)).length === 1, 'the edited report mail');
    expect((await mailsTo(family.parentEmail))[0]!.body_text).toContain('Leo had a wonderful October. See you at the recital!');
    const report = await reportOf(family.studentId);
    expect(report).toMatchObject({ status: 'sent', sentText: edited });
    expect(report.draft.message).not.toBe(edited);
  });

  it('sends nothing when rejected', { timeout: 90_000 }, async () => {
    const family = await reportFamily(s.database.db, { firstName: 'Chantal', childName: 'Maya' });
    const [run] = await requestReports([family.studentId]);
    const approval = await approvalOf(run!.runId);
    expect((await call('POST', `/api/v1/approvals/${approval.id}/reject`, { reason: 'I will talk to them at the recital' })).statusCode).toBe(200);
    expect((await s.engine.waitFor(run!.runId, 30_000)).status).toBe('succeeded');
    const steps = await sql<{ node_id: string }>(`SELECT DISTINCT node_id FROM workflow_steps WHERE run_id = $1 AND status = 'succeeded' ORDER BY node_id`, [run!.runId]);
    expect(steps.map((r) => r.node_id)).toEqual(['approval', 'close', 'compile', 'decision', 'draft', 'record']);
    expect(await reportOf(family.studentId)).toMatchObject({ status: 'rejected', sentText: null, sentAt: null });
    expect(await mailsTo(family.parentEmail)).toEqual([]);
  });

  it('expires after 14 days without a decision: nothing sent, a follow-up task instead', { timeout: 90_000 }, async () => {
    const family = await reportFamily(s.database.db, { firstName: 'Karine', childName: 'Eva' });
    const [run] = await requestReports([family.studentId]);
    const approval = await approvalOf(run!.runId);
    expect(Date.parse(approval.expiresAt) - Date.now()).toBeGreaterThan(13.9 * 86_400_000);
    // Fourteen days pass, as the database sees the wait's deadline.
    await sql(`UPDATE workflow_waits SET deadline = now() - interval '1 second' WHERE run_id = $1`, [run!.runId]);
    await sql(`UPDATE workflow_runs SET waiting_until = now() - interval '1 second' WHERE id = $1`, [run!.runId]);
    await eventually(async () => (await s.engine.waitFor(run!.runId, 1_000)).status === 'succeeded', 'the expired run to end', 45_000);
    expect(await reportOf(family.studentId)).toMatchObject({ status: 'expired', sentAt: null });
    const [task] = await sql<{ title: string; student_id: number }>('SELECT title, student_id FROM tasks WHERE approval_id = $1', [approval.id]);
    expect(task).toMatchObject({ student_id: family.studentId, title: expect.stringContaining('Decide: Progress report of Eva Tremblay') });
    expect(await mailsTo(family.parentEmail)).toEqual([]);
  });

  it('respects the parent’s preferences: e-mail off, the report arrives in the portal only', { timeout: 90_000 }, async () => {
    const family = await reportFamily(s.database.db, { firstName: 'Denise', childName: 'Hugo' });
    await savePreferences(s.database.db.sql, family.parentId, { email: false, sms: false, inApp: true });
    const [run] = await requestReports([family.studentId]);
    const approval = await approvalOf(run!.runId);
    expect((await call('POST', `/api/v1/approvals/${approval.id}/approve`, {})).statusCode).toBe(200);
    expect((await s.engine.waitFor(run!.runId, 30_000)).status).toBe('succeeded');
    await eventually(async () => (await sql('SELECT 1 FROM notifications WHERE user_id = $1', [family.parentId])).length === 1, 'the in-app report');
    expect(await mailsTo(family.parentEmail)).toEqual([]);
  });

  it('approves many at once, saying what happened to each', { timeout: 90_000 }, async () => {
    const one = await reportFamily(s.database.db, { firstName: 'Emilie', childName: 'Noe' });
    const two = await reportFamily(s.database.db, { firstName: 'Fanny', childName: 'Ines' });
    const started = await requestReports([one.studentId, two.studentId]);
    const ids = [];
    for (const r of started) ids.push((await approvalOf(r.runId)).id as number);
    expect((await call('POST', `/api/v1/approvals/${ids[1]}/reject`, { reason: 'not now' })).statusCode).toBe(200);

    for (const [payload, field] of [
      [{ ids: [] }, 'body.ids'],
      [{ ids: [ids[0], ids[0]] }, 'body.ids'],
      [{ ids: ['x'] }, 'body.ids.0'],
      [{}, 'body.ids'],
    ] as const) {
      const bad = await call('POST', '/api/v1/approvals/approve', payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(fields(bad)).toContain(field);
    }
    expect((await call('GET', `/api/v1/approvals/${ids[0]}`)).json().status).toBe('pending');
    const parent = await call('POST', '/api/v1/approvals/approve', { ids: [ids[0]] }, one.parentHeaders);
    expect(parent.statusCode).toBe(403);

    const res = await call('POST', '/api/v1/approvals/approve', { ids: [ids[0], ids[1], 2_000_000_000] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      approved: 1,
      data: [
        { id: ids[0], status: 'approved', error: null },
        { id: ids[1], status: null, error: { code: 'conflict', message: expect.stringContaining('rejected') } },
        { id: 2_000_000_000, status: null, error: { code: 'not_found', message: expect.any(String) } },
      ],
    });
    for (const r of started) expect((await s.engine.waitFor(r.runId, 30_000)).status).toBe('succeeded');
    await eventually(async () => (await mailsTo(one.parentEmail)).length === 1, 'the approved report');
    expect(await mailsTo(two.parentEmail)).toEqual([]);
  });

  it('drafts a student’s period once, however often it is asked for (all: true included)', { timeout: 90_000 }, async () => {
    const family = await reportFamily(s.database.db, { firstName: 'Gisele', childName: 'Remi' });
    const idle = await reportFamily(s.database.db, { firstName: 'Helene', childName: 'Paul', october: [], progress: false });
    const [first] = await requestReports([family.studentId]);
    const again = await call('POST', '/api/v1/ai/progress-reports', { all: true, period: OCTOBER });
    expect(again.statusCode, again.body).toBe(202);
    const second = await batch(again.json().runId);
    expect(second.find((r) => r.studentId === family.studentId)).toMatchObject({ runId: first!.runId, created: false });
    expect(second.find((r) => r.studentId === idle.studentId)).toBeUndefined();
    const rows = await sql('SELECT id FROM progress_reports WHERE student_id = $1', [family.studentId]);
    expect(rows).toHaveLength(1);
    const approvals = await sql(`SELECT id FROM approvals WHERE student_id = $1 AND kind = 'progress-report'`, [family.studentId]);
    expect(approvals).toHaveLength(1);
    const drafts = await sql(`SELECT id FROM ai_calls WHERE run_id = $1`, [first!.runId]);
    expect(drafts).toHaveLength(1);
  });

  it('reports the month before on the 1st, and a semester the day after it ends', { timeout: 90_000 }, async () => {
    const family = await reportFamily(s.database.db, { firstName: 'Irene', childName: 'Jules', october: [], progress: false });
    await sql(
      `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at, status, attendance)
       VALUES ($1, $2, '2026-08-11T16:00:00-03:00', 30, '2026-08-11T16:30:00-03:00', 'completed', 'present')`,
      [family.studentId, family.teacherId],
    );
    const monthly = await s.services.workflows.start(PROGRESS_REPORTS_WORKFLOW, { firedAt: '2026-09-01T09:00:00.000Z' });
    const months = await batch(monthly.runId);
    expect(months.find((r) => r.studentId === family.studentId)).toMatchObject({ from: '2026-08-01', to: '2026-08-31', created: true });
    expect((await s.engine.waitFor(months.find((r) => r.studentId === family.studentId)!.runId, 30_000)).status).toBe('waiting');
    expect(await reportOf(family.studentId)).toMatchObject({ cadence: 'monthly', from: '2026-08-01', to: '2026-08-31' });

    const [year] = await sql<{ id: number }>(`INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Summer 2026 test', '2026-07-01', '2026-08-31') RETURNING id`);
    await sql(`INSERT INTO semesters (academic_year_id, name, starts_on, ends_on) VALUES ($1, 'Summer term', '2026-07-06', '2026-08-14')`, [year!.id]);
    const before = await batch((await s.services.workflows.start(SEMESTER_REPORTS_WORKFLOW, { firedAt: '2026-08-14T10:00:00.000Z' })).runId);
    expect(before).toEqual([]);
    const semester = await batch((await s.services.workflows.start(SEMESTER_REPORTS_WORKFLOW, { firedAt: '2026-08-15T10:00:00.000Z' })).runId);
    const mine = semester.find((r) => r.studentId === family.studentId);
    expect(mine).toMatchObject({ from: '2026-07-06', to: '2026-08-14', created: true });
    expect((await s.engine.waitFor(mine!.runId, 30_000)).status).toBe('waiting');
    const approval = await approvalOf(mine!.runId);
    expect(approval.title).toContain('Summer term Summer 2026 test');
  });

  it('refuses bad input with a 400 naming the field, and anyone but an admin', { timeout: 30_000 }, async () => {
    const family = await reportFamily(s.database.db, { firstName: 'Julie', childName: 'Tom', progress: false });
    const before = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_name = 'progress-reports'`);
    const cases: Array<[unknown, string]> = [
      [{ studentIds: [family.studentId] }, 'body.period'],
      [{ studentIds: [family.studentId], period: { from: '2026-10-01' } }, 'body.period.to'],
      [{ studentIds: [family.studentId], period: { from: '2026-10-31', to: '2026-10-01' } }, 'body.period.to'],
      [{ studentIds: [family.studentId], period: { from: '2025-01-01', to: '2026-10-01' } }, 'body.period.to'],
      [{ studentIds: [family.studentId], period: { from: '2026-02-30', to: '2026-03-01' } }, 'body.period.from'],
      [{ period: OCTOBER }, 'body.studentIds'],
      [{ studentIds: [family.studentId], all: true, period: OCTOBER }, 'body.studentIds'],
      [{ studentIds: [], period: OCTOBER }, 'body.studentIds'],
      [{ studentIds: ['one'], period: OCTOBER }, 'body.studentIds.0'],
      [{ all: false, period: OCTOBER }, 'body.all'],
      [{ studentIds: [2_000_000_000], period: OCTOBER }, 'body.studentIds'],
      [{ all: true, period: OCTOBER, extra: 1 }, 'body'],
    ];
    for (const [payload, field] of cases) {
      const res = await call('POST', '/api/v1/ai/progress-reports', payload);
      expect(res.statusCode, `${JSON.stringify(payload)} ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(
        fields(res).some((f) => f === field || f.startsWith(`${field}.`)),
        `${JSON.stringify(payload)} → ${fields(res)}`,
      ).toBe(true);
    }
    const teacher = await createUser(s.database.db, 'teacher');
    expect((await call('POST', '/api/v1/ai/progress-reports', { all: true, period: OCTOBER }, teacher.headers)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/ai/progress-reports', { all: true, period: OCTOBER }, family.parentHeaders)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/reports/progress-reports', undefined, family.parentHeaders)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/reports/progress-reports?status=lost')).statusCode).toBe(400);
    const after = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM workflow_runs WHERE workflow_name = 'progress-reports'`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});
