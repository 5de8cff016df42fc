import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import { teacherTimeOff, teachers } from '../../db/schema/teachers.js';
import { conflict, notFound, validationFailed } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { toIso } from '../records/common.js';
import type { z } from 'zod';
import type { timeOff, timeOffBody } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

const MAX_DAYS = 366;
type Row = typeof teacherTimeOff.$inferSelect;
export type TimeOffView = z.infer<typeof timeOff>;
const view = (r: Row): TimeOffView => ({ id: r.id, teacherId: r.teacherId, startsAt: toIso(r.startsAt), endsAt: toIso(r.endsAt), reason: r.reason });

/** A checked time-off range, epoch ms. */
export interface TimeOffRange {
  startsAt: number;
  endsAt: number;
}

/**
 * The range of new time off (an absolute range, e.g. a trip or sick days): it must end after it
 * starts, end after `now` and last at most a year (400 naming the field).
 */
export function checkTimeOffRange(body: Pick<z.infer<typeof timeOffBody>, 'startsAt' | 'endsAt'>, now: number): TimeOffRange {
  const startsAt = Date.parse(body.startsAt);
  const endsAt = Date.parse(body.endsAt);
  if (endsAt <= startsAt) throw validationFailed([{ field: 'body.endsAt', message: `must be after startsAt (${new Date(startsAt).toISOString()})` }]);
  if (endsAt <= now) throw validationFailed([{ field: 'body.endsAt', message: 'must be in the future' }]);
  if (endsAt - startsAt > MAX_DAYS * 86_400_000) throw validationFailed([{ field: 'body.endsAt', message: `time off lasts at most ${MAX_DAYS} days` }]);
  return { startsAt, endsAt };
}

/**
 * Adds time off to teacher `teacherId` inside `tx` (the caller's transaction, row-level security
 * applies), audited. Time off overlapping another of the same teacher is refused (409 naming
 * body.startsAt and the other one); the teacher's row is locked first, so two requests racing
 * cannot both pass the check. Scheduling never books lessons inside time off; what happens to the
 * lessons already there is the caller's business (see the disruptions module).
 */
export async function addTimeOff(tx: Orm, actor: AuditActor, teacherId: number, body: z.infer<typeof timeOffBody>, now: number): Promise<TimeOffView> {
  const range = checkTimeOffRange(body, now);
  const startsAt = new Date(range.startsAt);
  const endsAt = new Date(range.endsAt);
  await tx.select({ id: teachers.id }).from(teachers).where(eq(teachers.id, teacherId)).for('update');
  const [overlap] = await tx
    .select()
    .from(teacherTimeOff)
    .where(and(eq(teacherTimeOff.teacherId, teacherId), lt(teacherTimeOff.startsAt, endsAt), gt(teacherTimeOff.endsAt, startsAt)))
    .orderBy(asc(teacherTimeOff.startsAt))
    .limit(1);
  if (overlap) {
    const other = view(overlap);
    throw conflict(`Teacher ${teacherId} already has time off from ${other.startsAt} to ${other.endsAt} (id ${other.id}) overlapping these dates`, [
      { field: 'body.startsAt', message: `overlaps time off ${other.id}`, timeOff: other },
    ]);
  }
  const [row] = await tx
    .insert(teacherTimeOff)
    .values({ teacherId, startsAt, endsAt, reason: body.reason ?? null })
    .returning();
  const after = view(row!);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'teacher_time_off', entityId: after.id, after });
  return after;
}

export async function removeTimeOff(tx: Orm, actor: AuditActor, teacherId: number, timeOffId: number): Promise<void> {
  const [row] = await tx
    .delete(teacherTimeOff)
    .where(and(eq(teacherTimeOff.id, timeOffId), eq(teacherTimeOff.teacherId, teacherId)))
    .returning();
  if (!row) throw notFound(`Time off ${timeOffId} of teacher ${teacherId}`);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'delete', entity: 'teacher_time_off', entityId: timeOffId, before: view(row) });
}
