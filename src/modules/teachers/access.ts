import { eq } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import type { Caller } from '../auth/scoped.js';
import { teachers } from '../../db/schema/teachers.js';
import { forbidden, notFound } from '../../http/errors.js';

/** The teacher id of a teacher caller, or null. */
export async function ownTeacherId(tx: Orm, caller: Caller): Promise<number | null> {
  if (caller.role !== 'teacher') return null;
  const [row] = await tx.select({ id: teachers.id }).from(teachers).where(eq(teachers.userId, caller.userId));
  return row?.id ?? null;
}

/**
 * Admins may act on any teacher (404 when it does not exist); a teacher only on themself (403 for
 * anyone else, whether or not that teacher exists); parents never (the route already refuses them).
 */
export async function requireAdminOrSelf(tx: Orm, caller: Caller, teacherId: number): Promise<'admin' | 'self'> {
  if (caller.role === 'admin') {
    const [row] = await tx.select({ id: teachers.id }).from(teachers).where(eq(teachers.id, teacherId));
    if (!row) throw notFound(`Teacher ${teacherId}`);
    return 'admin';
  }
  if ((await ownTeacherId(tx, caller)) === teacherId) return 'self';
  throw forbidden('A teacher may only manage their own profile, hours and time off');
}
