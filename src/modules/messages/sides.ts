/**
 * Who a conversation is between, and who may write in it. A conversation has two sides among a
 * parent, a teacher and the school (every admin):
 * - a parent writes to the school, or to a teacher of one of their children (`students.teacher_id`);
 * - a teacher writes to the school, or to a parent of one of their students;
 * - an admin writes for the school to a parent or a teacher.
 * Lookups run on the owner connection (they read users and students the caller may not see, to
 * answer 403 rather than 404); the writes that follow run as the caller, under row-level security.
 */
import { AppError, forbidden, notFound, validationFailed } from '../../http/errors.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import type { Caller } from '../auth/scoped.js';
import type { Recipient } from './schemas.js';

/** The two sides of a conversation (exactly two of parent, teacher, school). */
export interface Sides {
  /** The parent's user id. */
  parentId: number | null;
  /** The teacher's user id and teacher id. */
  teacher: { userId: number; teacherId: number } | null;
  withSchool: boolean;
}

type Party = { kind: 'school' } | { kind: 'parent'; userId: number } | { kind: 'teacher'; userId: number; teacherId: number };

const TO = 'body.to';

/** The party `to` names, checked to exist and be active; `to` may not be the caller. */
async function partyOf(sql: SqlExecutor, caller: Caller, to: Recipient): Promise<Party> {
  if (to === 'school') return { kind: 'school' };
  if ('teacherId' in to) {
    const [teacher] = await sql.query<{ user_id: number; is_active: boolean }>('SELECT t.user_id, u.is_active FROM teachers t JOIN users u ON u.id = t.user_id WHERE t.id = $1', [
      to.teacherId,
    ]);
    if (!teacher?.is_active) throw notFound('Teacher');
    if (teacher.user_id === caller.userId) throw validationFailed([{ field: TO, message: 'cannot be yourself' }]);
    return { kind: 'teacher', userId: teacher.user_id, teacherId: to.teacherId };
  }
  if (to.userId === caller.userId) throw validationFailed([{ field: TO, message: 'cannot be yourself' }]);
  const [user] = await sql.query<{ role: string; is_active: boolean; teacher_id: number | null }>(
    'SELECT u.role, u.is_active, t.id AS teacher_id FROM users u LEFT JOIN teachers t ON t.user_id = u.id WHERE u.id = $1',
    [to.userId],
  );
  if (!user?.is_active) throw notFound('Recipient');
  if (user.role === 'admin') return { kind: 'school' };
  if (user.role === 'parent') return { kind: 'parent', userId: to.userId };
  if (user.teacher_id === null) throw notFound('Teacher');
  return { kind: 'teacher', userId: to.userId, teacherId: user.teacher_id };
}

/** Whether `teacherId` teaches a child of parent `parentId`. */
async function teachesChildOf(sql: SqlExecutor, teacherId: number, parentId: number): Promise<boolean> {
  const [row] = await sql.query('SELECT 1 FROM students WHERE parent_id = $1 AND teacher_id = $2 AND is_active LIMIT 1', [parentId, teacherId]);
  return row !== undefined;
}

async function teacherOfCaller(sql: SqlExecutor, caller: Caller): Promise<{ userId: number; teacherId: number }> {
  const [row] = await sql.query<{ id: number }>('SELECT id FROM teachers WHERE user_id = $1', [caller.userId]);
  if (!row) throw forbidden('Your account has no teacher profile');
  return { userId: caller.userId, teacherId: row.id };
}

/** The sides of a conversation `caller` starts with `to`; 403 when they may not write to it. */
export async function sidesOfNewConversation(sql: SqlExecutor, caller: Caller, to: Recipient): Promise<Sides> {
  const party = await partyOf(sql, caller, to);
  if (caller.role === 'parent') {
    if (party.kind === 'school') return { parentId: caller.userId, teacher: null, withSchool: true };
    if (party.kind === 'teacher' && (await teachesChildOf(sql, party.teacherId, caller.userId))) {
      return { parentId: caller.userId, teacher: { userId: party.userId, teacherId: party.teacherId }, withSchool: false };
    }
    throw forbidden('Parents write to the school or to a teacher of one of their children');
  }
  if (caller.role === 'teacher') {
    const self = await teacherOfCaller(sql, caller);
    if (party.kind === 'school') return { parentId: null, teacher: self, withSchool: true };
    if (party.kind === 'parent' && (await teachesChildOf(sql, self.teacherId, party.userId))) return { parentId: party.userId, teacher: self, withSchool: false };
    throw forbidden('Teachers write to the school or to a parent of one of their students');
  }
  if (party.kind === 'school') throw validationFailed([{ field: TO, message: 'an admin writes for the school: choose a parent or a teacher' }]);
  if (party.kind === 'parent') return { parentId: party.userId, teacher: null, withSchool: true };
  return { parentId: null, teacher: { userId: party.userId, teacherId: party.teacherId }, withSchool: true };
}

/**
 * Checks that student `studentId` fits the sides: a child of the parent side and taught by the
 * teacher side (each when present). 400 naming `body.studentId` otherwise (another family's child
 * is answered like an unknown one). Returns the student's name.
 */
export async function checkStudent(sql: SqlExecutor, sides: Sides, studentId: number): Promise<string> {
  const [student] = await sql.query<{ parent_id: number; teacher_id: number | null; name: string }>(
    `SELECT parent_id, teacher_id, first_name || ' ' || last_name AS name FROM students WHERE id = $1`,
    [studentId],
  );
  const field = 'body.studentId';
  if (!student || (sides.parentId !== null && student.parent_id !== sides.parentId)) throw validationFailed([{ field, message: 'is not a child of this family' }]);
  if (sides.teacher && student.teacher_id !== sides.teacher.teacherId) throw validationFailed([{ field, message: 'is not taught by this teacher' }]);
  return student.name;
}

/** Which side `caller` writes for in a conversation with `sides`; 403/404 when they are not a side. */
export function sideOfCaller(sides: Sides, caller: Caller): Party {
  if (caller.role === 'admin') {
    if (sides.withSchool) return { kind: 'school' };
    throw forbidden('The school is not a side of this conversation (it is between a teacher and a family)');
  }
  if (sides.parentId === caller.userId) return { kind: 'parent', userId: caller.userId };
  if (sides.teacher?.userId === caller.userId) return { kind: 'teacher', ...sides.teacher };
  throw notFound('Conversation');
}

/** The users to tell about a message written by `author`'s side: the other side (every active admin for the school). */
export async function recipientsOf(sql: SqlExecutor, sides: Sides, author: Party): Promise<number[]> {
  const others: Party[] = [];
  if (sides.parentId !== null && author.kind !== 'parent') others.push({ kind: 'parent', userId: sides.parentId });
  if (sides.teacher && author.kind !== 'teacher') others.push({ kind: 'teacher', ...sides.teacher });
  if (sides.withSchool && author.kind !== 'school') others.push({ kind: 'school' });
  const [other] = others;
  if (!other || others.length !== 1) throw new AppError('internal', 'A conversation has two sides');
  if (other.kind === 'school') {
    const admins = await sql.query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id`);
    return admins.map((a) => a.id);
  }
  const [active] = await sql.query<{ id: number }>('SELECT id FROM users WHERE id = $1 AND is_active', [other.userId]);
  return active ? [active.id] : [];
}

export type { Party };
