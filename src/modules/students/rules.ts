import { and, count, eq, ne } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import { students } from '../../db/schema/students.js';
import { teachers } from '../../db/schema/teachers.js';
import { users } from '../../db/schema/users.js';
import { conflict, validationFailed, type FieldIssue } from '../../http/errors.js';

/** A student as it will be stored (after defaults and the patch are applied). */
export interface StudentDraft {
  parentId: number;
  teacherId: number | null;
  dateOfBirth: string;
  enrollmentDate: string;
  instrument: string;
  isActive: boolean;
}

export interface RuleContext {
  /** The school's instruments (settings). */
  instruments: readonly string[];
  /** Today in the school's time zone, 'YYYY-MM-DD'. */
  today: string;
}

/**
 * The business rules of a student record, checked against the database. Every 400 names its field;
 * a full teacher answers 409. Only what changes is checked (`before` is the stored row on update), so
 * an instrument the school stopped offering does not block editing an existing student's notes.
 */
export async function checkStudent(tx: Orm, draft: StudentDraft, ctx: RuleContext, before?: StudentDraft & { id: number }): Promise<void> {
  const issues: FieldIssue[] = [];
  const changed = <K extends keyof StudentDraft>(key: K): boolean => !before || before[key] !== draft[key];

  if (changed('dateOfBirth') && draft.dateOfBirth > ctx.today) issues.push({ field: 'body.dateOfBirth', message: 'must not be in the future' });
  if ((changed('dateOfBirth') || changed('enrollmentDate')) && draft.dateOfBirth > draft.enrollmentDate) {
    issues.push({ field: 'body.dateOfBirth', message: `must be on or before the enrollment date (${draft.enrollmentDate})` });
  }
  if (changed('instrument') && !ctx.instruments.includes(draft.instrument)) {
    issues.push({ field: 'body.instrument', message: `"${draft.instrument}" is not offered; the school offers ${ctx.instruments.join(', ')}` });
  }
  if (changed('parentId')) {
    const [parent] = await tx.select({ role: users.role, isActive: users.isActive }).from(users).where(eq(users.id, draft.parentId));
    if (!parent) issues.push({ field: 'body.parentId', message: `user ${draft.parentId} does not exist` });
    else if (parent.role !== 'parent') issues.push({ field: 'body.parentId', message: `user ${draft.parentId} is not a parent` });
    else if (!parent.isActive) issues.push({ field: 'body.parentId', message: `parent ${draft.parentId} is deactivated` });
  }

  const assigning = draft.teacherId !== null && draft.isActive && (changed('teacherId') || changed('isActive'));
  const needTeacher = draft.teacherId !== null && (assigning || changed('teacherId') || changed('instrument'));
  const teacher = needTeacher && draft.teacherId !== null ? await lockTeacher(tx, draft.teacherId) : undefined;
  if (draft.teacherId !== null && teacher === null) issues.push({ field: 'body.teacherId', message: `teacher ${draft.teacherId} does not exist` });
  if (teacher) {
    if (!teacher.userActive && assigning) issues.push({ field: 'body.teacherId', message: `teacher ${draft.teacherId} is deactivated` });
    if (!teacher.instruments.includes(draft.instrument)) {
      issues.push({ field: 'body.teacherId', message: `teacher ${draft.teacherId} does not teach ${draft.instrument} (teaches ${teacher.instruments.join(', ')})` });
    }
  }
  if (issues.length > 0) throw validationFailed(issues);

  if (teacher && assigning) {
    if (!teacher.isAvailable) throw conflict(`${teacher.name} is not accepting new students`, [{ field: 'body.teacherId', message: 'not accepting new students' }]);
    const others = before ? [ne(students.id, before.id)] : [];
    const [row] = await tx
      .select({ n: count() })
      .from(students)
      .where(and(eq(students.teacherId, teacher.id), eq(students.isActive, true), ...others));
    const current = row?.n ?? 0;
    if (current >= teacher.maxStudents) {
      throw conflict(`${teacher.name} has reached capacity (${current} of ${teacher.maxStudents} students)`, [
        { field: 'body.teacherId', message: `teacher is full (${current}/${teacher.maxStudents})` },
      ]);
    }
  }
}

/**
 * The teacher row, locked until the transaction ends so two assignments cannot both take the last
 * place; null when it does not exist.
 */
async function lockTeacher(tx: Orm, teacherId: number) {
  const [row] = await tx
    .select({
      id: teachers.id,
      instruments: teachers.instruments,
      maxStudents: teachers.maxStudents,
      isAvailable: teachers.isAvailable,
      userActive: users.isActive,
      firstName: users.firstName,
      lastName: users.lastName,
    })
    .from(teachers)
    .innerJoin(users, eq(users.id, teachers.userId))
    .where(eq(teachers.id, teacherId))
    .for('update', { of: teachers });
  return row ? { ...row, name: `${row.firstName} ${row.lastName}` } : null;
}
