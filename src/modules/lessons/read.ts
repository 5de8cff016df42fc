import { and, asc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Orm } from '../../db/client.js';
import type { Caller } from '../auth/scoped.js';
import { lessons, type Lesson } from '../../db/schema/lessons.js';
import { offsetOf } from '../../http/pagination.js';
import { localDateOf } from '../scheduling/local-time.js';
import { audienceOf, findOwnLesson, ownLessonsFilter, readAs, toLessonView } from './db.js';
import { withStudentNames } from './names.js';
import { settingsOf, type LessonDeps } from './deps.js';
import type { LessonListQuery, LessonView, ScheduleViewQuery } from './schemas.js';

/** Most lessons one calendar view returns (a month of a busy school stays well under it). */
const VIEW_LIMIT = 5000;

function filters(tx: Orm, caller: Caller, q: Partial<LessonListQuery>, range?: { from: Date; to: Date }): SQL | undefined {
  return and(
    ownLessonsFilter(tx, caller),
    q.teacherId !== undefined ? or(eq(lessons.teacherId, q.teacherId), eq(lessons.substituteTeacherId, q.teacherId)) : undefined,
    q.studentId !== undefined ? eq(lessons.studentId, q.studentId) : undefined,
    q.status !== undefined ? eq(lessons.status, q.status) : undefined,
    q.type !== undefined ? eq(lessons.lessonType, q.type) : undefined,
    range ? gte(lessons.scheduledAt, range.from) : q.from ? gte(lessons.scheduledAt, new Date(q.from)) : undefined,
    range ? lt(lessons.scheduledAt, range.to) : q.to ? lt(lessons.scheduledAt, new Date(q.to)) : undefined,
  );
}

/**
 * GET /lessons: admins see every lesson, teachers theirs, parents their children's (row-level
 * security plus an explicit filter), oldest first. One statement returns the page and the total.
 */
export async function listLessons(deps: LessonDeps, caller: Caller, q: LessonListQuery) {
  const [settings, rows] = await Promise.all([
    settingsOf(deps),
    readAs(deps.db, caller, async (tx) => {
      const where = filters(tx, caller, q);
      const page = await tx
        .select({ lesson: lessons, total: sql<number>`count(*) OVER ()`.mapWith(Number) })
        .from(lessons)
        .where(where)
        .orderBy(asc(lessons.scheduledAt), asc(lessons.id))
        .limit(q.pageSize)
        .offset(offsetOf(q));
      if (page.length > 0 || q.page === 1) return { page, total: page[0]?.total ?? 0 };
      const [count] = await tx
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(lessons)
        .where(where);
      return { page, total: count?.n ?? 0 };
    }),
  ]);
  const audience = audienceOf(caller);
  const data = await withStudentNames(
    deps.db.sql,
    rows.page.map((row) => toLessonView(row.lesson, settings.timezone, audience)),
  );
  return { data, page: q.page, pageSize: q.pageSize, total: rows.total };
}

/** GET /lessons/{id}: one lesson the caller may see, with the student's name; anything else is 404. */
export async function getLesson(deps: LessonDeps, caller: Caller, id: number): Promise<LessonView> {
  const [settings, lesson] = await Promise.all([settingsOf(deps), readAs(deps.db, caller, (tx) => findOwnLesson(tx, caller, id))]);
  const [view] = await withStudentNames(deps.db.sql, [toLessonView(lesson, settings.timezone, audienceOf(caller))]);
  return view!;
}

/** The local dates of a day, its ISO week (Monday–Sunday) or its month, in `zone`. */
export function periodOf(view: ScheduleViewQuery['view'], date: string, zone: string): { first: DateTime; last: DateTime } {
  const day = DateTime.fromISO(date, { zone }).startOf('day');
  if (view === 'day') return { first: day, last: day };
  const unit = view === 'week' ? 'week' : 'month';
  return { first: day.startOf(unit), last: day.endOf(unit).startOf('day') };
}

/**
 * GET /lessons/schedule/view: the caller's lessons in a day, week or month, bucketed by local date
 * in the school's zone (every date of the period present, possibly empty), each with the student's
 * name (a teacher's week names the students).
 */
export async function scheduleView(deps: LessonDeps, caller: Caller, q: ScheduleViewQuery) {
  const settings = await settingsOf(deps);
  const zone = settings.timezone;
  const date = q.date ?? localDateOf(deps.now(), zone);
  const { first, last } = periodOf(q.view, date, zone);
  const range = { from: first.toJSDate(), to: last.plus({ days: 1 }).toJSDate() };
  const rows: Lesson[] = await readAs(deps.db, caller, (tx) =>
    tx
      .select()
      .from(lessons)
      .where(filters(tx, caller, q, range))
      .orderBy(asc(lessons.scheduledAt), asc(lessons.id))
      .limit(VIEW_LIMIT),
  );
  const audience = audienceOf(caller);
  const views = await withStudentNames(
    deps.db.sql,
    rows.map((row) => toLessonView(row, zone, audience)),
  );
  const byDate = new Map<string, LessonView[]>();
  for (let d = first; d <= last; d = d.plus({ days: 1 })) byDate.set(d.toISODate()!, []);
  for (const view of views) byDate.get(localDateOf(Date.parse(view.scheduledAt), zone))?.push(view);
  return {
    view: q.view,
    timezone: zone,
    from: first.toISODate()!,
    to: last.toISODate()!,
    days: [...byDate].map(([day, list]) => ({ date: day, lessons: list })),
  };
}
