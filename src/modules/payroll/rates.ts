/**
 * Teacher pay rates (teacher_pay_rates, migration 0029): what the school pays a teacher per hour
 * from a local date on. Separate from teachers.hourly_rate_cents, the rate shown to families.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { notFound } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { Caller } from '../auth/scoped.js';
import type { PayRateBody, PayRateView } from './schemas.js';

/** One row of a teacher's rate history. */
export interface PayRateRow {
  perHourCents: number;
  /** Local date 'YYYY-MM-DD' the rate applies from. */
  effectiveFrom: string;
}

/** The rate in effect on local date `date`: the row with the latest effectiveFrom on or before it. */
export function rateOn(history: readonly PayRateRow[], date: string): number | undefined {
  let best: PayRateRow | undefined;
  for (const row of history) {
    if (row.effectiveFrom <= date && (!best || row.effectiveFrom > best.effectiveFrom)) best = row;
  }
  return best?.perHourCents;
}

/** The rate histories of `teacherIds`, by teacher. */
export async function ratesOf(sql: SqlExecutor, teacherIds: readonly number[]): Promise<Map<number, PayRateRow[]>> {
  const rows = await sql.query<PayRateRow & { teacherId: number }>(
    `SELECT teacher_id AS "teacherId", per_hour_cents AS "perHourCents", to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom"
       FROM teacher_pay_rates WHERE teacher_id = ANY($1::int[])`,
    [teacherIds],
  );
  const byTeacher = new Map<number, PayRateRow[]>();
  for (const { teacherId, ...row } of rows) byTeacher.set(teacherId, [...(byTeacher.get(teacherId) ?? []), row]);
  return byTeacher;
}

/**
 * A teacher's pay rate with its history (newest first), as the caller may see it: admins any
 * teacher, a teacher themself; anyone else, or an unknown teacher, 404 (run as the caller: the
 * row-level security of teacher_pay_rates hides other teachers' rates anyway).
 */
export async function payRateOf(sql: SqlExecutor, caller: Caller, teacherId: number, today: string): Promise<PayRateView> {
  const [teacher] = await sql.query<{ id: number; userId: number }>(`SELECT id, user_id AS "userId" FROM teachers WHERE id = $1`, [teacherId]);
  if (!teacher || (caller.role !== 'admin' && teacher.userId !== caller.userId)) throw notFound(`Teacher ${teacherId}`);
  const history = await sql.query<PayRateRow & { setAt: string; setBy: number | null }>(
    `SELECT per_hour_cents AS "perHourCents", to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom",
            to_char(set_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "setAt", set_by AS "setBy"
       FROM teacher_pay_rates WHERE teacher_id = $1 ORDER BY effective_from DESC`,
    [teacherId],
  );
  const currentRow = history.find((row) => row.effectiveFrom <= today); // newest first
  return { teacherId, current: currentRow ? { perHourCents: currentRow.perHourCents, effectiveFrom: currentRow.effectiveFrom } : null, history };
}

/**
 * PUT /teachers/{id}/pay-rate (admin): the rate from `effectiveFrom` (default `today`, local) on.
 * A rate already set for that date is replaced; earlier ones stay (runs price each lesson with the
 * rate of its date, and a calculated run keeps the rate it stored). Audited.
 */
export async function setPayRate(sql: SqlExecutor, caller: Caller, actor: AuditActor, teacherId: number, body: PayRateBody, today: string): Promise<PayRateView> {
  const [teacher] = await sql.query<{ id: number }>(`SELECT id FROM teachers WHERE id = $1`, [teacherId]);
  if (!teacher) throw notFound(`Teacher ${teacherId}`);
  const effectiveFrom = body.effectiveFrom ?? today;
  const [before] = await sql.query<{ perHourCents: number }>(`SELECT per_hour_cents AS "perHourCents" FROM teacher_pay_rates WHERE teacher_id = $1 AND effective_from = $2`, [
    teacherId,
    effectiveFrom,
  ]);
  await sql.query(
    `INSERT INTO teacher_pay_rates (teacher_id, per_hour_cents, effective_from, set_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (teacher_id, effective_from) DO UPDATE SET per_hour_cents = EXCLUDED.per_hour_cents, set_by = EXCLUDED.set_by, set_at = now()`,
    [teacherId, body.perHourCents, effectiveFrom, caller.userId > 0 ? caller.userId : null],
  );
  await recordAudit(sql, actor, {
    action: 'set_pay_rate',
    entity: 'teacher',
    entityId: teacherId,
    before: before ? { perHourCents: before.perHourCents, effectiveFrom } : null,
    after: { perHourCents: body.perHourCents, effectiveFrom },
  });
  return payRateOf(sql, caller, teacherId, today);
}
