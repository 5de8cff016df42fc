import { and, asc, count, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import type { Caller } from '../auth/scoped.js';
import { teacherAvailability, teachers, teacherTimeOff } from '../../db/schema/teachers.js';
import { users } from '../../db/schema/users.js';
import { notFound } from '../../http/errors.js';
import { offsetOf } from '../../http/pagination.js';
import { containsPattern, toIso } from '../records/common.js';
import type { TeacherDetail, TeacherListQuery, TeacherSummary, WeeklyBlock } from './schemas.js';

/** Active students of the teacher, counted for every caller (migrations/0004: definer rights). */
const studentCount = sql<number>`app.active_student_count(${teachers.id})`;
const accepting = sql<boolean>`(${teachers.isAvailable} AND ${users.isActive} AND ${studentCount} < ${teachers.maxStudents})`;

const columns = { teacher: teachers, user: users, studentCount, accepting };
type Row = { teacher: typeof teachers.$inferSelect; user: typeof users.$inferSelect; studentCount: number; accepting: boolean };

/** Public-safe fields for everyone; rates, capacity and contact details for admins (and the teacher themself). */
export function toSummary(row: Row, full: boolean): TeacherSummary {
  const { teacher: t, user: u } = row;
  const summary: TeacherSummary = {
    id: t.id,
    firstName: u.firstName,
    lastName: u.lastName,
    instruments: t.instruments,
    bio: t.bio,
    isAvailable: t.isAvailable,
    acceptingStudents: row.accepting,
  };
  if (!full) return summary;
  return {
    ...summary,
    userId: u.id,
    email: u.email,
    phone: u.phone,
    hourlyRateCents: t.hourlyRateCents,
    maxStudents: t.maxStudents,
    studentCount: Number(row.studentCount),
    isActive: u.isActive,
    createdAt: toIso(t.createdAt),
    updatedAt: toIso(t.updatedAt),
  };
}

const base = (tx: Orm) => tx.select(columns).from(teachers).innerJoin(users, eq(users.id, teachers.userId));

export async function findTeacher(tx: Orm, id: number): Promise<Row> {
  const [row] = await base(tx).where(eq(teachers.id, id));
  if (!row) throw notFound(`Teacher ${id}`);
  return row;
}

export async function listTeachers(tx: Orm, caller: Caller, query: TeacherListQuery) {
  const isAdmin = caller.role === 'admin';
  const conditions: SQL[] = [];
  const active = isAdmin ? query.active : 'true';
  if (active !== 'all') conditions.push(eq(users.isActive, active === 'true'));
  if (query.instrument) conditions.push(sql`${query.instrument} = ANY(${teachers.instruments})`);
  if (query.available) conditions.push(query.available === 'true' ? accepting : sql`NOT ${accepting}`);
  if (query.q) {
    const pattern = containsPattern(query.q);
    conditions.push(or(ilike(users.firstName, pattern), ilike(users.lastName, pattern), ilike(sql`${users.firstName} || ' ' || ${users.lastName}`, pattern))!);
  }
  const where = and(...conditions);
  const rows = await base(tx)
    .where(where)
    .orderBy(asc(sql`lower(${users.lastName})`), asc(sql`lower(${users.firstName})`), asc(teachers.id))
    .limit(query.pageSize)
    .offset(offsetOf(query));
  const [total] = await tx.select({ n: count() }).from(teachers).innerJoin(users, eq(users.id, teachers.userId)).where(where);
  return { data: rows.map((row) => toSummary(row, isAdmin)), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

/** 'HH:MM:SS' (Postgres time) → 'HH:MM'. */
export const hhmm = (time: string): string => time.slice(0, 5);

export async function weeklyHoursOf(tx: Orm, teacherId: number): Promise<WeeklyBlock[]> {
  const rows = await tx
    .select()
    .from(teacherAvailability)
    .where(eq(teacherAvailability.teacherId, teacherId))
    .orderBy(asc(teacherAvailability.weekday), asc(teacherAvailability.startTime));
  return rows.map((r) => ({ weekday: r.weekday, start: hhmm(r.startTime), end: hhmm(r.endTime) }));
}

export async function detailOf(tx: Orm, id: number, timezone: string): Promise<TeacherDetail> {
  const row = await findTeacher(tx, id);
  const timeOff = await tx
    .select()
    .from(teacherTimeOff)
    .where(and(eq(teacherTimeOff.teacherId, id), gt(teacherTimeOff.endsAt, new Date())))
    .orderBy(asc(teacherTimeOff.startsAt));
  return {
    ...toSummary(row, true),
    timezone,
    weeklyHours: await weeklyHoursOf(tx, id),
    upcomingTimeOff: timeOff.map((o) => ({ id: o.id, teacherId: o.teacherId, startsAt: toIso(o.startsAt), endsAt: toIso(o.endsAt), reason: o.reason })),
  };
}
