/**
 * The life of a payroll run: created as a draft (lines calculated), recalculated or adjusted while
 * a draft, approved (its lessons settled: no other approved run may pay them), then paid. Every
 * change is audited (entity `payroll_run`). Each function runs in the caller's transaction (`sql`,
 * from `asCaller`; only admins reach them) and takes the school's settings read in it.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { conflict, notFound } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { Caller } from '../auth/scoped.js';
import type { KnownSettings } from '../settings/types.js';
import { lessonsInPeriod, periodInstants, priceLines } from './calculate.js';
import { ratesOf } from './rates.js';
import type { AdjustmentBody, CreateRunBody, PaidBody, RunStatus } from './schemas.js';

/** Serialises approvals, so two overlapping runs cannot both pass the overlap check. */
const APPROVAL_LOCK = 727_364_290;

interface RunRow {
  id: number;
  from: string;
  to: string;
  status: RunStatus;
}

const userOf = (caller: Caller): number | null => (caller.userId > 0 ? caller.userId : null);

/** The run locked for update; 404 when there is none. */
async function lockRun(sql: SqlExecutor, id: number): Promise<RunRow> {
  const [run] = await sql.query<RunRow>(
    `SELECT id, to_char(period_from, 'YYYY-MM-DD') AS "from", to_char(period_to, 'YYYY-MM-DD') AS "to", status FROM payroll_runs WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (!run) throw notFound(`Payroll run ${id}`);
  return run;
}

const requireDraft = (run: RunRow, doing: string): void => {
  if (run.status !== 'draft') throw conflict(`Payroll run ${run.id} is ${run.status}; only a draft can be ${doing}`, { status: run.status });
};

/** Approved or paid runs whose period overlaps `from`..`to`, other than `exceptId`. */
async function overlappingRuns(sql: SqlExecutor, from: string, to: string, exceptId: number | null): Promise<RunRow[]> {
  return sql.query<RunRow>(
    `SELECT id, to_char(period_from, 'YYYY-MM-DD') AS "from", to_char(period_to, 'YYYY-MM-DD') AS "to", status FROM payroll_runs
      WHERE status <> 'draft' AND period_from <= $2 AND period_to >= $1 AND id IS DISTINCT FROM $3 ORDER BY period_from`,
    [from, to, exceptId],
  );
}

function refuseOverlap(overlaps: readonly RunRow[], from: string, to: string): void {
  if (overlaps.length === 0) return;
  const named = overlaps.map((run) => `run ${run.id} (${run.from} to ${run.to}, ${run.status})`).join(', ');
  throw conflict(`The period ${from} to ${to} overlaps ${named}: a lesson is paid by one approved run only`, { overlappingRuns: overlaps });
}

/** Replaces the lines of draft `runId` with those calculated now; returns the count and the unrecorded lessons. */
async function calculateLines(sql: SqlExecutor, run: { id: number; from: string; to: string }, settings: KnownSettings): Promise<{ lines: number; unrecorded: number[] }> {
  const { start, end } = periodInstants(run.from, run.to, settings.timezone);
  const lessons = await lessonsInPeriod(sql, start, end, settings.timezone);
  const teacherIds = [...new Set(lessons.map((lesson) => lesson.substituteTeacherId ?? lesson.teacherId))];
  const lines = priceLines(lessons, await ratesOf(sql, teacherIds), settings.payroll, settings.cancellationWindowHours);
  const unrecorded = lessons.filter((lesson) => lesson.status === 'scheduled').map((lesson) => lesson.id);
  await sql.query('DELETE FROM payroll_lines WHERE run_id = $1', [run.id]);
  if (lines.length > 0) {
    await sql.query(
      `INSERT INTO payroll_lines (run_id, lesson_id, teacher_id, lesson_teacher_id, scheduled_at, lesson_date, minutes, rate_per_hour_cents, pay_percent, amount_cents, reason)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::timestamptz[], $6::date[], $7::int[], $8::int[], $9::int[], $10::int[], $11::text[])`,
      [
        run.id,
        lines.map((l) => l.lessonId),
        lines.map((l) => l.teacherId),
        lines.map((l) => l.lessonTeacherId),
        lines.map((l) => l.scheduledAt.toISOString()),
        lines.map((l) => l.lessonDate),
        lines.map((l) => l.minutes),
        lines.map((l) => l.ratePerHourCents),
        lines.map((l) => l.percent),
        lines.map((l) => l.amountCents),
        lines.map((l) => l.reason),
      ],
    );
  }
  await sql.query('UPDATE payroll_runs SET unrecorded_lesson_ids = $2::int[], policy = $3, calculated_at = now() WHERE id = $1', [
    run.id,
    unrecorded,
    JSON.stringify(settings.payroll),
  ]);
  return { lines: lines.length, unrecorded };
}

/** POST /payroll/runs: a draft over `from`..`to` with its lines; 409 when approved or paid runs overlap the period. */
export async function createRun(sql: SqlExecutor, caller: Caller, actor: AuditActor, body: CreateRunBody, settings: KnownSettings): Promise<number> {
  refuseOverlap(await overlappingRuns(sql, body.from, body.to, null), body.from, body.to);
  const [created] = await sql.query<{ id: number }>(`INSERT INTO payroll_runs (period_from, period_to, policy, created_by) VALUES ($1, $2, $3, $4) RETURNING id`, [
    body.from,
    body.to,
    JSON.stringify(settings.payroll),
    userOf(caller),
  ]);
  const id = created!.id;
  const result = await calculateLines(sql, { id, ...body }, settings);
  await recordAudit(sql, actor, { action: 'create', entity: 'payroll_run', entityId: id, after: { ...body, status: 'draft', ...result } });
  return id;
}

/** POST /payroll/runs/{id}/recalculate: the draft's lines again from the lessons, rates and policy of now; adjustments stay. */
export async function recalculateRun(sql: SqlExecutor, actor: AuditActor, id: number, settings: KnownSettings): Promise<void> {
  const run = await lockRun(sql, id);
  requireDraft(run, 'recalculated');
  const result = await calculateLines(sql, run, settings);
  await recordAudit(sql, actor, { action: 'recalculate', entity: 'payroll_run', entityId: id, after: result });
}

/** POST /payroll/runs/{id}/adjustments: a correction with a reason to a teacher's pay in a draft. */
export async function addAdjustment(sql: SqlExecutor, caller: Caller, actor: AuditActor, id: number, body: AdjustmentBody): Promise<void> {
  const run = await lockRun(sql, id);
  requireDraft(run, 'adjusted');
  const [teacher] = await sql.query<{ id: number }>('SELECT id FROM teachers WHERE id = $1', [body.teacherId]);
  if (!teacher) throw notFound(`Teacher ${body.teacherId}`);
  const [created] = await sql.query<{ id: number }>(
    `INSERT INTO payroll_adjustments (run_id, teacher_id, amount_cents, reason, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [id, body.teacherId, body.amountCents, body.reason, userOf(caller)],
  );
  await recordAudit(sql, actor, { action: 'adjust', entity: 'payroll_run', entityId: id, after: { adjustmentId: created!.id, ...body } });
}

/**
 * POST /payroll/runs/{id}/approve: draft → approved; its lessons become settled. 409 when it is not
 * a draft (approving twice), when an approved or paid run overlaps its period, or when one of its
 * lessons is already settled elsewhere (payroll_lines_settled_lesson_key protects that too).
 */
export async function approveRun(sql: SqlExecutor, caller: Caller, actor: AuditActor, id: number): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock($1)', [APPROVAL_LOCK]);
  const run = await lockRun(sql, id);
  requireDraft(run, 'approved');
  refuseOverlap(await overlappingRuns(sql, run.from, run.to, id), run.from, run.to);
  const settled = await sql.query<{ lessonId: number; runId: number }>(
    `SELECT l.lesson_id AS "lessonId", o.run_id AS "runId" FROM payroll_lines l
       JOIN payroll_lines o ON o.lesson_id = l.lesson_id AND o.settled AND o.run_id <> l.run_id
      WHERE l.run_id = $1 ORDER BY l.lesson_id`,
    [id],
  );
  if (settled.length > 0) {
    throw conflict(`Lessons ${settled.map((s) => s.lessonId).join(', ')} are already paid by run ${[...new Set(settled.map((s) => s.runId))].join(', ')}`, {
      settledLessons: settled,
    });
  }
  await sql.query('UPDATE payroll_lines SET settled = true WHERE run_id = $1', [id]);
  await sql.query(`UPDATE payroll_runs SET status = 'approved', approved_at = now(), approved_by = $2 WHERE id = $1`, [id, userOf(caller)]);
  await recordAudit(sql, actor, { action: 'approve', entity: 'payroll_run', entityId: id, before: { status: 'draft' }, after: { status: 'approved' } });
}

/** POST /payroll/runs/{id}/paid: approved → paid, with the date paid (default `today`, local) and a reference. */
export async function markPaid(sql: SqlExecutor, caller: Caller, actor: AuditActor, id: number, body: PaidBody, today: string): Promise<void> {
  const run = await lockRun(sql, id);
  if (run.status !== 'approved') throw conflict(`Payroll run ${id} is ${run.status}; only an approved run can be marked paid`, { status: run.status });
  const paidOn = body.paidOn ?? today;
  await sql.query(`UPDATE payroll_runs SET status = 'paid', paid_at = now(), paid_by = $2, paid_on = $3, payment_reference = $4 WHERE id = $1`, [
    id,
    userOf(caller),
    paidOn,
    body.reference ?? null,
  ]);
  await recordAudit(sql, actor, {
    action: 'paid',
    entity: 'payroll_run',
    entityId: id,
    before: { status: 'approved' },
    after: { status: 'paid', paidOn, reference: body.reference ?? null },
  });
}

/** DELETE /payroll/runs/{id}: removes a draft with its lines and adjustments. */
export async function deleteRun(sql: SqlExecutor, actor: AuditActor, id: number): Promise<void> {
  const run = await lockRun(sql, id);
  requireDraft(run, 'deleted');
  await sql.query('DELETE FROM payroll_runs WHERE id = $1', [id]);
  await recordAudit(sql, actor, { action: 'delete', entity: 'payroll_run', entityId: id, before: run });
}
