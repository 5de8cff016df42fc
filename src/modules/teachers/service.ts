import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import type { Caller } from '../auth/scoped.js';
import { students } from '../../db/schema/students.js';
import { teachers } from '../../db/schema/teachers.js';
import { users } from '../../db/schema/users.js';
import { conflict, forbidden, validationFailed } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { requireAdminOrSelf } from './access.js';
import { detailOf } from './queries.js';
import type { CreateTeacherBody, PatchTeacherBody, TeacherDetail } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

/** 400 naming each instrument the school does not offer (only those in `added`). */
function checkOffered(added: readonly string[], all: readonly string[], offered: readonly string[]): void {
  const issues = added
    .filter((name) => !offered.includes(name))
    .map((name) => ({ field: `body.instruments.${all.indexOf(name)}`, message: `"${name}" is not offered; the school offers ${offered.join(', ')}` }));
  if (issues.length > 0) throw validationFailed(issues);
}

/** The user a new teacher profile belongs to: an existing teacher account, or a new one. */
async function teacherUser(tx: Orm, actor: AuditActor, body: CreateTeacherBody): Promise<number> {
  if ((body.userId === undefined) === (body.user === undefined)) {
    throw validationFailed([{ field: 'body.userId', message: 'give either userId (an existing teacher account) or user (a new account), not both' }]);
  }
  if (body.userId !== undefined) {
    const [user] = await tx.select().from(users).where(eq(users.id, body.userId));
    if (!user) throw validationFailed([{ field: 'body.userId', message: `user ${body.userId} does not exist` }]);
    if (user.role !== 'teacher') throw validationFailed([{ field: 'body.userId', message: `user ${body.userId} has the role ${user.role}, not teacher` }]);
    if (!user.isActive) throw validationFailed([{ field: 'body.userId', message: `user ${body.userId} is deactivated` }]);
    const [existing] = await tx.select({ id: teachers.id }).from(teachers).where(eq(teachers.userId, user.id));
    if (existing) throw conflict(`User ${user.id} already has teacher profile ${existing.id}`, [{ field: 'body.userId', message: 'already a teacher' }]);
    return user.id;
  }
  const fields = body.user!;
  const email = fields.email.trim().toLowerCase();
  const [taken] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`);
  if (taken) throw conflict(`A user with the e-mail ${email} already exists`, [{ field: 'body.user.email', message: 'is taken' }]);
  const [user] = await tx
    .insert(users)
    .values({ email, firstName: fields.firstName, lastName: fields.lastName, phone: fields.phone ?? null, role: 'teacher' })
    .returning();
  const { passwordHash: _hash, ...after } = user!;
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'user', entityId: user!.id, after });
  return user!.id;
}

export async function createTeacher(tx: Orm, actor: AuditActor, body: CreateTeacherBody, offered: readonly string[], timezone: string): Promise<TeacherDetail> {
  checkOffered(body.instruments, body.instruments, offered);
  const userId = await teacherUser(tx, actor, body);
  const [row] = await tx
    .insert(teachers)
    .values({
      userId,
      instruments: body.instruments,
      hourlyRateCents: body.hourlyRateCents,
      maxStudents: body.maxStudents ?? 30,
      isAvailable: body.isAvailable ?? true,
      bio: body.bio ?? null,
    })
    .returning({ id: teachers.id });
  const after = await detailOf(tx, row!.id, timezone);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'teacher', entityId: after.id, after });
  return after;
}

/**
 * Admins change instruments, rate, capacity, availability and bio; a teacher only their bio (403
 * naming the other fields). Dropping an instrument that active students learn with this teacher,
 * or lowering capacity below the current load, answers 409.
 */
export async function patchTeacher(
  tx: Orm,
  caller: Caller,
  actor: AuditActor,
  id: number,
  body: PatchTeacherBody,
  offered: readonly string[],
  timezone: string,
): Promise<TeacherDetail> {
  const who = await requireAdminOrSelf(tx, caller, id);
  const set = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as PatchTeacherBody;
  const notAllowed = Object.keys(set).filter((key) => key !== 'bio');
  if (who === 'self' && notAllowed.length > 0) throw forbidden(`A teacher may change only their bio, not ${notAllowed.join(', ')}`);
  const [current] = await tx.select().from(teachers).where(eq(teachers.id, id)).for('update');
  const before = await detailOf(tx, id, timezone);
  if (set.instruments) {
    checkOffered(
      set.instruments.filter((name) => !current!.instruments.includes(name)),
      set.instruments,
      offered,
    );
    const dropped = current!.instruments.filter((name) => !set.instruments!.includes(name));
    const inUse =
      dropped.length === 0
        ? []
        : await tx
            .selectDistinct({ instrument: students.instrument })
            .from(students)
            .where(and(eq(students.teacherId, id), eq(students.isActive, true), inArray(students.instrument, dropped)));
    if (inUse.length > 0)
      throw conflict(`Active students still learn ${inUse.map((r) => r.instrument).join(', ')} with this teacher; reassign them first`, [
        { field: 'body.instruments', message: 'an instrument in use was removed' },
      ]);
  }
  if (set.maxStudents !== undefined && set.maxStudents < (before.studentCount ?? 0)) {
    throw conflict(`The teacher has ${before.studentCount} active students; maxStudents cannot be lower`, [
      { field: 'body.maxStudents', message: `must be at least ${before.studentCount}` },
    ]);
  }
  if (Object.keys(set).length === 0) return before;
  await tx.update(teachers).set(set).where(eq(teachers.id, id));
  const after = await detailOf(tx, id, timezone);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'update', entity: 'teacher', entityId: id, before, after });
  return after;
}
