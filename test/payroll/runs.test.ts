import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsOf } from '../scheduling/helpers.js';
import { createPayrollSchool, type PayrollSchool } from './school.js';

/**
 * Payroll over a hand-built fortnight (2025-10-27 to 2025-11-09, America/Halifax, with the end of
 * daylight time on 2025-11-02). Policy: no-shows paid 50 %, late family cancellations in full.
 * Rates: Alice 6000/h, 7200/h from 2025-11-03; Bob 5000/h; Sam (substitute) 4800/h.
 *
 * Known answer:
 * - Alice: 00:30 Oct 27 30 min 3000 (first minutes of the period) + Oct 28 60 min 6000 + the DST
 *   night 01:30 ADT Nov 2, 60 min (ends 01:30 AST) 6000 + Nov 3 60 min at the new rate 7200 = 22200.
 *   Not paid: 23:30 Oct 26 (the day before), the substitute's lesson, the closed Saturday.
 * - Sam: Alice's lesson of Oct 30 he taught, 30 min × 4800 = 2400.
 * - Bob: no-show 45 min at 50 % 1875 + late family cancellation 30 min 2500 + 23:30 Nov 9 30 min
 *   2500 (last minutes of the period) = 6875; the family's in-time cancellation is not paid.
 */
describe('payroll runs over a hand-built school', () => {
  let s: PayrollSchool;
  const ids: Record<string, number> = {};
  let runId = 0;

  beforeAll(async () => {
    s = await createPayrollSchool();
    const { alice, bob, sam, aliceStudent: ava, bobStudent: ben } = s;
    ids.before = await s.lesson(alice, ava, '2025-10-26T23:30:00-03:00', 30);
    ids.first = await s.lesson(alice, ava, '2025-10-27T00:30:00-03:00', 30);
    ids.taught = await s.lesson(alice, ava, '2025-10-28T16:00:00-03:00', 60);
    ids.substituted = await s.lesson(alice, ava, '2025-10-30T16:00:00-03:00', 30, sam);
    ids.noShow = await s.lesson(bob, ben, '2025-10-29T17:00:00-03:00', 45);
    ids.lateCancel = await s.lesson(bob, ben, '2025-10-31T17:00:00-03:00', 30);
    ids.closed = await s.lesson(alice, ava, '2025-11-01T10:00:00-03:00', 30);
    ids.dstNight = await s.lesson(alice, ava, '2025-11-02T01:30:00-03:00', 60);
    ids.newRate = await s.lesson(alice, ava, '2025-11-03T16:00:00-04:00', 60);
    ids.timelyCancel = await s.lesson(bob, ben, '2025-11-04T17:00:00-04:00', 30);
    ids.unrecorded = await s.lesson(alice, ava, '2025-11-06T16:00:00-04:00', 30);
    ids.last = await s.lesson(bob, ben, '2025-11-09T23:30:00-04:00', 30);

    for (const key of ['before', 'first', 'taught', 'substituted', 'dstNight', 'newRate', 'last']) {
      const done = await s.call(s.admin, 'POST', `/api/v1/lessons/${ids[key]}/complete`, { attendance: 'present' });
      expect(done.status, key).toBe(200);
    }
    expect((await s.call(s.admin, 'POST', `/api/v1/lessons/${ids.noShow}/complete`, { attendance: 'absent' })).status).toBe(200);
    expect((await s.call(s.admin, 'POST', `/api/v1/lessons/${ids.lateCancel}/cancel`, { initiatedBy: 'family', reason: 'Sick' })).status).toBe(200);
    const closure = await s.call(s.admin, 'POST', '/api/v1/closures?cancelLessons=true', { name: 'Storm', startsOn: '2025-11-01', endsOn: '2025-11-01' });
    expect(closure.status).toBe(201);
    expect(closure.body.affectedLessons.map((l: { id: number; outcome: string }) => [l.id, l.outcome])).toEqual([[ids.closed, 'cancelled']]);
    // The family cancelled two days ahead, in the window (a parent's in-time cancel, as the lessons module stores it).
    await s.sql(`UPDATE lessons SET status = 'cancelled', cancelled_at = scheduled_at - interval '48 hours', cancelled_by = $2 WHERE id = $1`, [ids.timelyCancel, s.parent.id]);

    const policy = { noShow: { pay: 'percent', percent: 50 }, lateCancellation: { pay: 'full' } };
    expect((await s.call(s.admin, 'PUT', '/api/v1/settings/payroll', { value: policy })).status).toBe(200);
    for (const [teacher, perHourCents, effectiveFrom] of [
      [s.alice, 6000, '2025-01-01'],
      [s.alice, 7200, '2025-11-03'],
      [s.bob, 5000, '2025-01-01'],
    ] as const) {
      expect((await s.call(s.admin, 'PUT', `/api/v1/teachers/${teacher.teacherId}/pay-rate`, { perHourCents, effectiveFrom })).status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const period = { from: '2025-10-27', to: '2025-11-09' };

  it('refuses a period whose end is before its start, naming `to`, and creates nothing', async () => {
    const res = await s.call(s.admin, 'POST', '/api/v1/payroll/runs', { from: '2025-11-09', to: '2025-10-27' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body.to']);
    expect((await s.call(s.admin, 'POST', '/api/v1/payroll/runs', { from: '2025-02-30', to: '2025-03-01' })).status).toBe(400);
    expect(await s.sql('SELECT id FROM payroll_runs')).toEqual([]);
  });

  it('refuses to calculate while a paid teacher has no pay rate, naming him', async () => {
    const res = await s.call(s.admin, 'POST', '/api/v1/payroll/runs', period);
    expect(res.status).toBe(409);
    expect(res.body.error.details.teachersWithoutRate).toEqual([{ teacherId: s.sam.teacherId, firstDate: '2025-10-30' }]);
    expect(await s.sql('SELECT id FROM payroll_runs')).toEqual([]);
  });

  it('calculates a draft: the substitute paid, no-show and late cancellation by policy, closure unpaid, DST night 60 minutes, the new rate from its date', async () => {
    expect((await s.call(s.admin, 'PUT', `/api/v1/teachers/${s.sam.teacherId}/pay-rate`, { perHourCents: 4800, effectiveFrom: '2025-01-01' })).status).toBe(200);
    const res = await s.call(s.admin, 'POST', '/api/v1/payroll/runs', period);
    expect(res.status).toBe(201);
    runId = res.body.id;
    expect(res.body).toMatchObject({ from: period.from, to: period.to, status: 'draft', totalCents: 31475, lineCount: 8, unrecordedLessonIds: [ids.unrecorded] });
    const lines = Object.fromEntries(res.body.lines.map((l: { lessonId: number }) => [l.lessonId, l]));
    const expectLine = (key: string, teacherId: number | null, reason: string, minutes: number, rate: number, percent: number, amountCents: number) =>
      expect(lines[ids[key]!], key).toMatchObject({ teacherId, reason, minutes, ratePerHourCents: rate, payPercent: percent, amountCents });
    expectLine('first', s.alice.teacherId, 'taught', 30, 6000, 100, 3000);
    expectLine('taught', s.alice.teacherId, 'taught', 60, 6000, 100, 6000);
    expectLine('substituted', s.sam.teacherId, 'substitute', 30, 4800, 100, 2400);
    expectLine('noShow', s.bob.teacherId, 'no_show', 45, 5000, 50, 1875);
    expectLine('lateCancel', s.bob.teacherId, 'late_cancellation', 30, 5000, 100, 2500);
    expectLine('dstNight', s.alice.teacherId, 'taught', 60, 6000, 100, 6000);
    expectLine('newRate', s.alice.teacherId, 'taught', 60, 7200, 100, 7200);
    expectLine('last', s.bob.teacherId, 'taught', 30, 5000, 100, 2500);
    expect(lines[ids.substituted!].lessonTeacherId).toBe(s.alice.teacherId);
    expect(lines[ids.dstNight!]).toMatchObject({ lessonDate: '2025-11-02', scheduledAt: '2025-11-02T01:30:00-03:00' });
    expect(lines[ids.last!]).toMatchObject({ lessonDate: '2025-11-09', scheduledAt: '2025-11-09T23:30:00-04:00' });
    for (const key of ['before', 'closed', 'timelyCancel', 'unrecorded']) expect(lines[ids[key]!], key).toBeUndefined();
    expect(res.body.teachers.map((t: { teacherId: number; lessonCount: number; totalCents: number }) => [t.teacherId, t.lessonCount, t.totalCents])).toEqual([
      [s.alice.teacherId, 4, 22200],
      [s.bob.teacherId, 3, 6875],
      [s.sam.teacherId, 1, 2400],
    ]);
  });

  it('refuses an adjustment without a reason (400 naming it) and adds one with a reason', async () => {
    for (const body of [
      { teacherId: s.bob.teacherId, amountCents: 1000 },
      { teacherId: s.bob.teacherId, amountCents: 1000, reason: '   ' },
    ]) {
      const res = await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${runId}/adjustments`, body);
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['body.reason']);
    }
    const zero = await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${runId}/adjustments`, { teacherId: s.bob.teacherId, amountCents: 0, reason: 'Nothing' });
    expect(fieldsOf(zero.body)).toEqual(['body.amountCents']);
    expect(await s.sql('SELECT id FROM payroll_adjustments')).toEqual([]);
    const res = await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${runId}/adjustments`, { teacherId: s.bob.teacherId, amountCents: 1000, reason: 'Recital rehearsal' });
    expect(res.status).toBe(201);
    expect(res.body.totalCents).toBe(32475);
    expect(res.body.teachers.find((t: { teacherId: number }) => t.teacherId === s.bob.teacherId)).toMatchObject({ linesCents: 6875, adjustmentsCents: 1000, totalCents: 7875 });
  });

  it('answers CSV by ?format=csv and by Accept: text/csv', async () => {
    const res = await s.call(s.admin, 'GET', `/api/v1/payroll/runs/${runId}?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(9);
    expect(rows.find((r) => r.lessonId === String(ids.substituted))).toMatchObject({
      kind: 'lesson',
      teacherId: String(s.sam.teacherId),
      teacherName: 'Sam Tester',
      reason: 'substitute',
      amountCents: '2400',
      amount: '24.00',
      studentName: 'Ava Pupil',
    });
    expect(rows.at(-1)).toMatchObject({ kind: 'adjustment', teacherId: String(s.bob.teacherId), amountCents: '1000', note: 'Recital rehearsal' });
    expect(rows.reduce((sum, r) => sum + Number(r.amountCents), 0)).toBe(32475);
    const accepted = await s.t.app.inject({ method: 'GET', url: '/api/v1/payroll/runs', headers: { ...s.admin.headers, accept: 'text/csv' } });
    expect(accepted.headers['content-type']).toContain('text/csv');
    expect(parse(accepted.body, { columns: true })).toEqual([expect.objectContaining({ runId: String(runId), status: 'draft', totalCents: '32475', total: '324.75' })]);
  });

  it('hides drafts from teachers', async () => {
    expect((await s.call(s.bob, 'GET', '/api/v1/payroll/runs')).body).toMatchObject({ data: [], total: 0 });
    expect((await s.call(s.bob, 'GET', `/api/v1/payroll/runs/${runId}`)).status).toBe(404);
  });

  it('approves once: the second approval and later adjustments answer 409', async () => {
    const res = await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${runId}/approve`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('approved');
    const again = await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${runId}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('approved');
    expect((await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${runId}/adjustments`, { teacherId: s.bob.teacherId, amountCents: 5, reason: 'Late' })).status).toBe(409);
    expect((await s.call(s.admin, 'DELETE', `/api/v1/payroll/runs/${runId}`)).status).toBe(409);
  });

  it('shows a teacher only their own pay; another teacher’s is 404', async () => {
    const list = await s.call(s.bob, 'GET', '/api/v1/payroll/runs');
    expect(list.body.data).toEqual([expect.objectContaining({ id: runId, totalCents: 7875, lineCount: 3 })]);
    const own = await s.call(s.bob, 'GET', `/api/v1/payroll/runs/${runId}`);
    expect(own.status).toBe(200);
    expect(new Set(own.body.lines.map((l: { teacherId: number }) => l.teacherId))).toEqual(new Set([s.bob.teacherId]));
    expect(own.body.teachers).toEqual([expect.objectContaining({ teacherId: s.bob.teacherId, totalCents: 7875 })]);
    expect((await s.call(s.bob, 'GET', `/api/v1/payroll/runs/${runId}?teacherId=${s.alice.teacherId}`)).status).toBe(404);
    expect((await s.call(s.bob, 'GET', `/api/v1/payroll/runs?teacherId=${s.alice.teacherId}`)).status).toBe(404);
    const csv = await s.call(s.bob, 'GET', `/api/v1/payroll/runs/${runId}?format=csv`);
    expect((parse(csv.text, { columns: true }) as { teacherId: string }[]).every((r) => r.teacherId === String(s.bob.teacherId))).toBe(true);
    expect((await s.call(s.parent, 'GET', '/api/v1/payroll/runs')).status).toBe(403);
  });

  it('refuses a run overlapping an approved one, naming it; a lesson is settled once (unique index)', async () => {
    const res = await s.call(s.admin, 'POST', '/api/v1/payroll/runs', { from: '2025-11-09', to: '2025-11-15' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(`run ${runId} (2025-10-27 to 2025-11-09, approved)`);
    await expect(
      s.sql(`INSERT INTO payroll_runs (period_from, period_to, policy) VALUES ('2030-01-01', '2030-01-01', '{}') RETURNING id`).then(([other]) =>
        s.sql(
          `INSERT INTO payroll_lines (run_id, lesson_id, teacher_id, lesson_teacher_id, scheduled_at, lesson_date, minutes, rate_per_hour_cents, pay_percent, amount_cents, reason, settled)
           VALUES ($1, $2, $3, $3, now(), '2030-01-01', 30, 100, 100, 50, 'taught', true)`,
          [other!.id, ids.taught, s.alice.teacherId],
        ),
      ),
    ).rejects.toThrow(/payroll_lines_settled_lesson_key/);
  });

  it('marks an approved run paid, once', async () => {
    const res = await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${runId}/paid`, { paidOn: '2025-11-14', reference: 'Batch 2025-11' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'paid', paidOn: '2025-11-14', reference: 'Batch 2025-11' });
    expect((await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${runId}/paid`, {})).status).toBe(409);
  });

  it('recalculates a draft after attendance is recorded, then deletes it', async () => {
    const res = await s.call(s.admin, 'POST', '/api/v1/payroll/runs', { from: '2025-11-10', to: '2025-11-16' });
    expect(res.status).toBe(201);
    const lesson = await s.lesson(s.alice, s.aliceStudent, '2025-11-12T16:00:00-04:00', 45);
    expect((await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${res.body.id}/recalculate`)).body).toMatchObject({ lineCount: 0, unrecordedLessonIds: [lesson] });
    expect((await s.call(s.admin, 'POST', `/api/v1/lessons/${lesson}/complete`, { attendance: 'late' })).status).toBe(200);
    const again = await s.call(s.admin, 'POST', `/api/v1/payroll/runs/${res.body.id}/recalculate`);
    expect(again.body).toMatchObject({ lineCount: 1, totalCents: 5400, unrecordedLessonIds: [] });
    expect((await s.call(s.admin, 'DELETE', `/api/v1/payroll/runs/${res.body.id}`)).status).toBe(204);
    expect((await s.call(s.admin, 'GET', `/api/v1/payroll/runs/${res.body.id}`)).status).toBe(404);
    expect((await s.call(s.admin, 'POST', '/api/v1/payroll/runs/999999/approve')).status).toBe(404);
  });

  it('audits every change of a run', async () => {
    const rows = await s.sql<{ action: string; entity_id: string }>(`SELECT action, entity_id FROM audit_log WHERE entity = 'payroll_run' ORDER BY id`);
    expect(rows.filter((r) => r.entity_id === String(runId)).map((r) => r.action)).toEqual(['create', 'adjust', 'approve', 'paid']);
    expect(rows.map((r) => r.action)).toEqual(['create', 'adjust', 'approve', 'paid', 'create', 'recalculate', 'recalculate', 'delete']);
  });

  it('approves one of two overlapping drafts approved at once; the other answers 409', async () => {
    const a = await s.call(s.admin, 'POST', '/api/v1/payroll/runs', { from: '2025-12-01', to: '2025-12-31' });
    const b = await s.call(s.admin, 'POST', '/api/v1/payroll/runs', { from: '2025-12-15', to: '2026-01-15' });
    expect([a.status, b.status]).toEqual([201, 201]);
    const answers = await Promise.all([a, b].map((run) => s.call(s.admin, 'POST', `/api/v1/payroll/runs/${run.body.id}/approve`)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.status === 409)!.body.error.details.overlappingRuns).toHaveLength(1);
  });
});
