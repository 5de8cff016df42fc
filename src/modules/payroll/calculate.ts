/**
 * What a payroll run pays, lesson by lesson: which lessons of a period are paid, to whom, why, at
 * which rate and how much. Pure rules (`payForLesson`, `priceLines`) over the rows `lessonsInPeriod`
 * reads; runs.ts stores the result.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { conflict } from '../../http/errors.js';
import { localInstant, parseLocalDate } from '../scheduling/local-time.js';
import type { PayShare, PayrollSetting } from '../settings/types.js';
import { rateOn, type PayRateRow } from './rates.js';
import type { LineReason } from './schemas.js';

const HOUR = 3_600_000;

/** A lesson of the period as payroll reads it. */
export interface PeriodLesson {
  id: number;
  teacherId: number;
  substituteTeacherId: number | null;
  scheduledAt: Date;
  /** Local date in the school's zone, 'YYYY-MM-DD'. */
  lessonDate: string;
  minutes: number;
  status: 'scheduled' | 'completed' | 'cancelled' | 'rescheduled';
  attendance: 'present' | 'absent' | 'late' | 'excused' | null;
  cancelledAt: Date | null;
  /** Who asked for the cancellation, from the lesson's audit entry (or the canceller's role): null when not cancelled. */
  cancelledByFamily: boolean | null;
}

/** A lesson's pay before pricing: who is paid, why, and the share of the full pay (0–100). */
export interface LessonPay {
  teacherId: number;
  reason: LineReason;
  percent: number;
}

const percentOf = (share: PayShare): number => (share.pay === 'full' ? 100 : share.pay === 'none' ? 0 : share.percent);

/**
 * The pay rule for one lesson; undefined when the lesson is not paid. The teacher who taught (or
 * would have taught) is paid: the substitute when there is one. Completed and present or late:
 * full pay (`taught`, or `substitute`); completed and absent or excused: `no_show` per policy;
 * cancelled by the family later than `cancellationWindowHours` before the start: `late_cancellation`
 * per policy; cancelled by the school (closures, time off, the office), cancelled in time,
 * rescheduled, or still scheduled: nothing.
 */
export function payForLesson(lesson: PeriodLesson, policy: PayrollSetting, cancellationWindowHours: number): LessonPay | undefined {
  const teacherId = lesson.substituteTeacherId ?? lesson.teacherId;
  if (lesson.status === 'completed') {
    if (lesson.attendance === 'absent' || lesson.attendance === 'excused') return { teacherId, reason: 'no_show', percent: percentOf(policy.noShow) };
    return { teacherId, reason: lesson.substituteTeacherId === null ? 'taught' : 'substitute', percent: 100 };
  }
  if (lesson.status === 'cancelled' && lesson.cancelledByFamily && lesson.cancelledAt) {
    const deadline = lesson.scheduledAt.getTime() - cancellationWindowHours * HOUR;
    if (lesson.cancelledAt.getTime() > deadline) return { teacherId, reason: 'late_cancellation', percent: percentOf(policy.lateCancellation) };
  }
  return undefined;
}

/** One priced line, ready to store. */
export interface PricedLine extends LessonPay {
  lessonId: number;
  lessonTeacherId: number;
  scheduledAt: Date;
  lessonDate: string;
  minutes: number;
  ratePerHourCents: number;
  amountCents: number;
}

/** Cents for `minutes` at `perHourCents` and `percent` of it, rounded half up to the cent. */
export const amountFor = (minutes: number, perHourCents: number, percent: number): number => Math.round((minutes * perHourCents * percent) / 6000);

/**
 * The lines of a period: each paid lesson (a share above 0) priced with the rate of the paid
 * teacher in effect on the lesson's local date. A 409 names the teachers without a rate then.
 */
export function priceLines(lessons: readonly PeriodLesson[], rates: ReadonlyMap<number, readonly PayRateRow[]>, policy: PayrollSetting, windowHours: number): PricedLine[] {
  const lines: PricedLine[] = [];
  const missing = new Map<number, string>();
  for (const lesson of lessons) {
    const pay = payForLesson(lesson, policy, windowHours);
    if (!pay || pay.percent === 0) continue;
    const rate = rateOn(rates.get(pay.teacherId) ?? [], lesson.lessonDate);
    if (rate === undefined) {
      if (!missing.has(pay.teacherId)) missing.set(pay.teacherId, lesson.lessonDate);
      continue;
    }
    lines.push({
      ...pay,
      lessonId: lesson.id,
      lessonTeacherId: lesson.teacherId,
      scheduledAt: lesson.scheduledAt,
      lessonDate: lesson.lessonDate,
      minutes: lesson.minutes,
      ratePerHourCents: rate,
      amountCents: amountFor(lesson.minutes, rate, pay.percent),
    });
  }
  if (missing.size > 0) {
    const teachers = [...missing].map(([teacherId, firstDate]) => ({ teacherId, firstDate }));
    throw conflict(
      `No pay rate in effect for teacher ${teachers.map((t) => `${t.teacherId} (on ${t.firstDate})`).join(', ')}; set one with PUT /api/v1/teachers/{id}/pay-rate and an effectiveFrom on or before that date`,
      { teachersWithoutRate: teachers },
    );
  }
  return lines;
}

/** The instants [start, end) of the local dates `from`..`to` (inclusive) in `zone`. */
export function periodInstants(from: string, to: string, zone: string): { start: Date; end: Date } {
  const start = localInstant(parseLocalDate(from), 0, zone);
  const end = localInstant(parseLocalDate(to), 1440, zone);
  return { start: new Date(start), end: new Date(end) };
}

interface LessonRow extends Omit<PeriodLesson, 'scheduledAt' | 'cancelledAt'> {
  scheduledAt: Date | string;
  cancelledAt: Date | string | null;
}

/**
 * The lessons starting in [start, end) that are not rescheduled, with the cancelling side: the
 * `initiatedBy` of the lesson's last `cancel` audit entry (the lessons module records it), else
 * family when a parent cancelled, else the school. Reads audit_log: run it as an admin.
 */
export async function lessonsInPeriod(sql: SqlExecutor, start: Date, end: Date, zone: string): Promise<PeriodLesson[]> {
  const rows = await sql.query<LessonRow>(
    `SELECT l.id, l.teacher_id AS "teacherId", l.substitute_teacher_id AS "substituteTeacherId", l.scheduled_at AS "scheduledAt",
            to_char(l.scheduled_at AT TIME ZONE $3, 'YYYY-MM-DD') AS "lessonDate", l.duration_minutes AS minutes,
            l.status, l.attendance, l.cancelled_at AS "cancelledAt",
            CASE WHEN l.status <> 'cancelled' THEN NULL
                 ELSE coalesce(cancel.initiated_by = 'family', canceller.role = 'parent', false) END AS "cancelledByFamily"
       FROM lessons l
       LEFT JOIN users canceller ON canceller.id = l.cancelled_by
       LEFT JOIN LATERAL (
         SELECT a.after ->> 'initiatedBy' AS initiated_by FROM audit_log a
          WHERE l.status = 'cancelled' AND a.entity = 'lesson' AND a.entity_id = l.id::text AND a.action = 'cancel'
          ORDER BY a.id DESC LIMIT 1) cancel ON true
      WHERE l.scheduled_at >= $1 AND l.scheduled_at < $2 AND l.status <> 'rescheduled'
      ORDER BY l.scheduled_at, l.id`,
    [start.toISOString(), end.toISOString(), zone],
  );
  return rows.map((row) => ({
    ...row,
    scheduledAt: new Date(row.scheduledAt),
    cancelledAt: row.cancelledAt === null ? null : new Date(row.cancelledAt),
  }));
}
