import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import { lessons } from '../../db/schema/lessons.js';
import { teacherTimeOff } from '../../db/schema/teachers.js';
import { notFound, validationFailed } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { toIso } from '../records/common.js';
import type { z } from 'zod';
import type { createdTimeOff, timeOffBody } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

const MAX_DAYS = 366;
type Row = typeof teacherTimeOff.$inferSelect;
const view = (r: Row) => ({ id: r.id, teacherId: r.teacherId, startsAt: toIso(r.startsAt), endsAt: toIso(r.endsAt), reason: r.reason });

/**
 * Adds time off (an absolute range, e.g. a trip or sick days). It must end after it starts, end in
 * the future and last at most a year. The answer lists the scheduled lessons it covers, which the
 * admin then moves (scheduling never books new ones inside it).
 */
export async function addTimeOff(tx: Orm, actor: AuditActor, teacherId: number, body: z.infer<typeof timeOffBody>): Promise<z.infer<typeof createdTimeOff>> {
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(body.endsAt);
  if (endsAt <= startsAt) throw validationFailed([{ field: 'body.endsAt', message: `must be after startsAt (${startsAt.toISOString()})` }]);
  if (endsAt.getTime() <= Date.now()) throw validationFailed([{ field: 'body.endsAt', message: 'must be in the future' }]);
  if (endsAt.getTime() - startsAt.getTime() > MAX_DAYS * 86_400_000) throw validationFailed([{ field: 'body.endsAt', message: `time off lasts at most ${MAX_DAYS} days` }]);
  const [row] = await tx
    .insert(teacherTimeOff)
    .values({ teacherId, startsAt, endsAt, reason: body.reason ?? null })
    .returning();
  const after = view(row!);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'teacher_time_off', entityId: after.id, after });
  const affected = await tx
    .select({ id: lessons.id, studentId: lessons.studentId, scheduledAt: lessons.scheduledAt })
    .from(lessons)
    .where(and(eq(lessons.teacherId, teacherId), eq(lessons.status, 'scheduled'), lt(lessons.scheduledAt, endsAt), gt(lessons.endsAt, startsAt)))
    .orderBy(asc(lessons.scheduledAt));
  return { ...after, affectedLessons: affected.map((l) => ({ ...l, scheduledAt: toIso(l.scheduledAt) })) };
}

export async function removeTimeOff(tx: Orm, actor: AuditActor, teacherId: number, timeOffId: number): Promise<void> {
  const [row] = await tx
    .delete(teacherTimeOff)
    .where(and(eq(teacherTimeOff.id, timeOffId), eq(teacherTimeOff.teacherId, teacherId)))
    .returning();
  if (!row) throw notFound(`Time off ${timeOffId} of teacher ${teacherId}`);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'delete', entity: 'teacher_time_off', entityId: timeOffId, before: view(row) });
}
