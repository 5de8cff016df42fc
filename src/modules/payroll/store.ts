/**
 * Reading payroll runs as the caller (run inside `asCaller`): row-level security (migration 0029)
 * shows admins everything and a teacher only runs past draft and their own lines and adjustments;
 * `teacherId` narrows further (a teacher's own id is always applied). Instants are ISO in UTC,
 * except a line's scheduledAt, with the school's offset.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { isoInZone } from '../scheduling/local-time.js';
import type { RunAdjustment, RunDetail, RunLine, RunStatus, RunSummary, TeacherTotal } from './schemas.js';

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const teacherName = (alias: string): string => `(SELECT u.first_name || ' ' || u.last_name FROM teachers t JOIN users u ON u.id = t.user_id WHERE t.id = ${alias}.teacher_id)`;

/** Summary columns; `$1` is the teacher filter (null: every teacher the caller sees). */
const summaryColumns = `r.id, to_char(r.period_from, 'YYYY-MM-DD') AS "from", to_char(r.period_to, 'YYYY-MM-DD') AS "to", r.status,
  (coalesce(lines.cents, 0) + coalesce(adj.cents, 0))::int AS "totalCents", coalesce(lines.n, 0)::int AS "lineCount",
  ${iso('r.created_at')} AS "createdAt", ${iso('r.calculated_at')} AS "calculatedAt",
  CASE WHEN r.approved_at IS NULL THEN NULL ELSE ${iso('r.approved_at')} END AS "approvedAt",
  CASE WHEN r.paid_at IS NULL THEN NULL ELSE ${iso('r.paid_at')} END AS "paidAt",
  to_char(r.paid_on, 'YYYY-MM-DD') AS "paidOn", r.payment_reference AS reference`;

const summaryFrom = `FROM payroll_runs r
  LEFT JOIN LATERAL (SELECT sum(l.amount_cents) AS cents, count(*) AS n FROM payroll_lines l
                      WHERE l.run_id = r.id AND ($1::int IS NULL OR l.teacher_id = $1)) lines ON true
  LEFT JOIN LATERAL (SELECT sum(a.amount_cents) AS cents, count(*) AS n FROM payroll_adjustments a
                      WHERE a.run_id = r.id AND ($1::int IS NULL OR a.teacher_id = $1)) adj ON true`;

/** A teacher sees a run only with pay of theirs in it. */
const visible = `($1::int IS NULL OR coalesce(lines.n, 0) + coalesce(adj.n, 0) > 0)`;

/** The caller's teacher id when the caller is a teacher (null otherwise). */
export async function callerTeacherId(sql: SqlExecutor): Promise<number | null> {
  const [row] = await sql.query<{ id: number | null }>('SELECT app.teacher_id() AS id');
  return row?.id ?? null;
}

/** Runs newest period first. */
export async function listRuns(
  sql: SqlExecutor,
  filter: { teacherId: number | null; status: RunStatus | undefined; limit: number; offset: number },
): Promise<{ rows: RunSummary[]; total: number }> {
  const where = `WHERE ${visible} AND ($2::text IS NULL OR r.status = $2)`;
  const params = [filter.teacherId, filter.status ?? null];
  const rows = await sql.query<RunSummary>(`SELECT ${summaryColumns} ${summaryFrom} ${where} ORDER BY r.period_from DESC, r.id DESC LIMIT $3 OFFSET $4`, [
    ...params,
    filter.limit,
    filter.offset,
  ]);
  const [count] = await sql.query<{ total: number }>(`SELECT count(*)::int AS total ${summaryFrom} ${where}`, params);
  return { rows, total: count?.total ?? 0 };
}

/** One run with its lines, adjustments and per-teacher totals; undefined when the caller cannot see it. */
export async function runDetailOf(sql: SqlExecutor, id: number, teacherId: number | null, zone: string): Promise<RunDetail | undefined> {
  const [summary] = await sql.query<RunSummary & { policy: unknown; unrecordedLessonIds: number[] }>(
    `SELECT ${summaryColumns}, r.policy, r.unrecorded_lesson_ids AS "unrecordedLessonIds" ${summaryFrom} WHERE r.id = $2 AND ${visible}`,
    [teacherId, id],
  );
  if (!summary) return undefined;
  const lineRows = await sql.query<Omit<RunLine, 'scheduledAt'> & { scheduledAt: Date | string }>(
    `SELECT l.id, l.lesson_id AS "lessonId", to_char(l.lesson_date, 'YYYY-MM-DD') AS "lessonDate", l.scheduled_at AS "scheduledAt",
            l.teacher_id AS "teacherId", coalesce(${teacherName('l')}, '') AS "teacherName", l.lesson_teacher_id AS "lessonTeacherId",
            (SELECT s.first_name || ' ' || s.last_name FROM lessons le JOIN students s ON s.id = le.student_id WHERE le.id = l.lesson_id) AS "studentName",
            l.minutes, l.rate_per_hour_cents AS "ratePerHourCents", l.pay_percent AS "payPercent", l.amount_cents AS "amountCents", l.reason
       FROM payroll_lines l WHERE l.run_id = $1 AND ($2::int IS NULL OR l.teacher_id = $2)
      ORDER BY "teacherName", l.teacher_id, l.scheduled_at, l.id`,
    [id, teacherId],
  );
  const lines = lineRows.map((row) => ({ ...row, scheduledAt: isoInZone(new Date(row.scheduledAt).getTime(), zone) }));
  const adjustments = await sql.query<RunAdjustment>(
    `SELECT a.id, a.teacher_id AS "teacherId", coalesce(${teacherName('a')}, '') AS "teacherName", a.amount_cents AS "amountCents", a.reason,
            ${iso('a.created_at')} AS "createdAt", a.created_by AS "createdBy"
       FROM payroll_adjustments a WHERE a.run_id = $1 AND ($2::int IS NULL OR a.teacher_id = $2) ORDER BY a.id`,
    [id, teacherId],
  );
  return { ...summary, lines, adjustments, teachers: totalsOf(lines, adjustments) };
}

/** Per-teacher totals of `lines` and `adjustments`, by teacher name. */
export function totalsOf(lines: readonly RunLine[], adjustments: readonly RunAdjustment[]): TeacherTotal[] {
  const totals = new Map<number, TeacherTotal>();
  const of = (teacherId: number, name: string): TeacherTotal => {
    let total = totals.get(teacherId);
    if (!total) {
      total = { teacherId, teacherName: name, lessonCount: 0, linesCents: 0, adjustmentsCents: 0, totalCents: 0 };
      totals.set(teacherId, total);
    }
    return total;
  };
  for (const line of lines) {
    const total = of(line.teacherId, line.teacherName);
    total.lessonCount += 1;
    total.linesCents += line.amountCents;
    total.totalCents += line.amountCents;
  }
  for (const adjustment of adjustments) {
    const total = of(adjustment.teacherId, adjustment.teacherName);
    total.adjustmentsCents += adjustment.amountCents;
    total.totalCents += adjustment.amountCents;
  }
  return [...totals.values()].sort((a, b) => a.teacherName.localeCompare(b.teacherName) || a.teacherId - b.teacherId);
}
