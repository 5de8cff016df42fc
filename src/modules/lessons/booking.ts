import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/scoped.js';
import { LESSON_OVERLAP_CONSTRAINTS, lessons, type Lesson } from '../../db/schema/lessons.js';
import { students } from '../../db/schema/students.js';
import { teachers } from '../../db/schema/teachers.js';
import { AppError, conflict, forbidden } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { Conflict } from '../scheduling/conflicts.js';
import { isoInZone, localDateOf } from '../scheduling/local-time.js';
import { expandSeries, type SeriesExpansion, type TimeOffSpan } from '../scheduling/recurrence.js';
import type { SchedulingRules } from '../scheduling/types.js';
import { alternativesFor, conflictsIn } from './check.js';
import { loadSchedulingData } from './context.js';
import { audienceOf, driverErrors, overlapError, poolQueries, type Queries, teacherIdOf, toLessonView, txQueries } from './db.js';
import { badField, rulesOf, settingsOf, type LessonDeps } from './deps.js';
import { useCredit } from './makeup.js';
import { type LessonNotice, noticeLessonsBooked } from './notices.js';
import type { BookedLessonView, CreateLessonBody, LessonView } from './schemas.js';
import { sqlExecutorOf, type TxHandle } from '../../db/orm-sql.js';
import { txOpener } from '../../db/transactions.js';
import type { SqlExecutor } from '../../db/sql-client.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type CreateResult = { kind: 'lesson'; lesson: BookedLessonView } | { kind: 'series'; seriesId: string; lessons: LessonView[]; skipped: SeriesExpansion['skipped'] };

/**
 * Parents set no lesson notes: `notes` are written by the teacher or the office for the family,
 * `privateNotes` are the staff's own. 403 naming the field.
 */
export function refuseFamilyNotes(caller: Caller, body: Pick<CreateLessonBody, 'notes' | 'privateNotes'>): void {
  if (caller.role !== 'parent') return;
  for (const field of ['notes', 'privateNotes'] as const) {
    if (body[field] !== undefined)
      throw new AppError('forbidden', `body.${field}: parents cannot set lesson notes; the teacher or the office writes them`, [
        { field: `body.${field}`, message: 'parents cannot set it' },
      ]);
  }
}

/**
 * The student must be visible to the caller (row-level security), active and assigned a teacher;
 * a teacher books only their own students with themselves; a parent (the scheduling workflow)
 * books only with the student's own teacher; the teacher must exist. An admin may book another
 * teacher than the assigned one (a substitute).
 */
async function checkBookable(q: Queries, caller: Caller, body: CreateLessonBody): Promise<void> {
  await q.asCaller(caller, async (tx) => {
    const [student] = await tx.select({ teacherId: students.teacherId, isActive: students.isActive }).from(students).where(eq(students.id, body.studentId));
    const own = await teacherIdOf(tx, caller);
    if (!student || (caller.role === 'teacher' && student.teacherId !== own)) {
      throw badField('body.studentId', `No student ${body.studentId} that you may schedule`);
    }
    if (caller.role === 'teacher' && body.teacherId !== own) throw forbidden('A teacher books lessons with themselves only');
    if (!student.isActive) throw conflict(`Student ${body.studentId} is not active, so no lesson can be scheduled`);
    if (student.teacherId === null) throw conflict(`Student ${body.studentId} has no teacher yet; assign one before scheduling`);
    if (caller.role === 'parent' && body.teacherId !== student.teacherId) throw forbidden("A parent books lessons with the student's own teacher only");
    const [teacher] = await tx.select({ id: teachers.id }).from(teachers).where(eq(teachers.id, body.teacherId));
    if (!teacher) throw badField('body.teacherId', `No teacher ${body.teacherId}`);
  });
}

async function closuresFrom(sql: SqlExecutor, start: number) {
  return sql.query<{ name: string; startsOn: string; endsOn: string }>(
    `SELECT name, starts_on AS "startsOn", ends_on AS "endsOn" FROM closures WHERE ends_on >= $1::timestamptz::date - 1`,
    [new Date(start).toISOString()],
  );
}

/** The teacher's time off ending after `start`, for a series to skip (epoch ms). */
async function timeOffFrom(sql: SqlExecutor, teacherId: number, start: number): Promise<TimeOffSpan[]> {
  return sql.query<TimeOffSpan>(
    `SELECT id, reason, (extract(epoch FROM starts_at) * 1000)::float8 AS start, (extract(epoch FROM ends_at) * 1000)::float8 AS "end"
     FROM teacher_time_off WHERE teacher_id = $1 AND ends_at > $2 ORDER BY starts_at`,
    [teacherId, new Date(start).toISOString()],
  );
}

/**
 * Each occurrence's conflicts, with fresh data read through `sql` (only the occurrences that have
 * some).
 */
export async function conflictsPerOccurrence(deps: LessonDeps, rules: SchedulingRules, body: CreateLessonBody, starts: number[], sql: SqlExecutor = deps.db.sql) {
  const duration = body.durationMinutes * MINUTE;
  const data = await loadSchedulingData(sql, {
    teacherIds: [body.teacherId],
    studentId: body.studentId,
    from: starts[0]!,
    to: starts[starts.length - 1]! + duration,
    bufferMinutes: rules.bufferMinutes,
  });
  return starts
    .map((start) => ({ occurrence: isoInZone(start, rules.zone), reasons: conflictsIn(data, rules, { teacherId: body.teacherId, start, durationMinutes: body.durationMinutes }) }))
    .filter((entry) => entry.reasons.length > 0);
}

/** 409 for one lesson: what is in the way and the next free slots for that teacher and duration (read through `sql`). */
export async function singleConflict(deps: LessonDeps, rules: SchedulingRules, body: CreateLessonBody, start: number, reasons: Conflict[], sql: SqlExecutor = deps.db.sql) {
  const wanted = { teacherId: body.teacherId, studentId: body.studentId, after: start, durationMinutes: body.durationMinutes };
  const alternatives = await alternativesFor(deps, rules, wanted, sql);
  const summary = reasons.map((r) => r.reason).join('; ');
  return conflict(`The lesson cannot be booked at ${isoInZone(start, rules.zone)}: ${summary}`, { conflicts: reasons, alternatives });
}

/** A checked booking request: the caller's rules and the lesson starts (closure and time-off dates skipped). */
export interface BookingPlan {
  rules: SchedulingRules;
  start: number;
  expansion: SeriesExpansion;
}

/**
 * Everything before conflict detection: the instant is in the future, the recurrence is allowed,
 * the student and teacher are bookable by the caller, and the series is expanded around closures
 * and the teacher's time off (a weekly lesson during the teacher's trip is skipped, not refused).
 * Throws the same 400/403/409 errors as POST /lessons (a parent giving notes: 403). Queries run on the pool unless `q` says
 * otherwise (txQueries: inside a transaction).
 */
export async function planBooking(deps: LessonDeps, caller: Caller, body: CreateLessonBody, q: Queries = poolQueries(deps.db)): Promise<BookingPlan> {
  const now = deps.now();
  const start = Date.parse(body.scheduledAt);
  refuseFamilyNotes(caller, body);
  if (start <= now) throw badField('body.scheduledAt', 'The lesson would start in the past');
  if (body.recurrence && body.lessonType === 'makeup') throw badField('body.recurrence', 'A make-up lesson cannot recur');
  if (body.makeupCreditId !== undefined && body.lessonType !== 'makeup') throw badField('body.makeupCreditId', 'Only a make-up lesson (lessonType makeup) uses a credit');
  if (body.recurrence?.until && Date.parse(body.recurrence.until) > start + 400 * DAY) {
    throw badField('body.recurrence.until', 'A series may span at most 400 days');
  }
  await checkBookable(q, caller, body);
  const settings = await settingsOf(deps, q.sql);
  const rules = rulesOf(settings, now, caller);

  let expansion: SeriesExpansion = { occurrences: [start], skipped: [] };
  if (body.recurrence) {
    const closures = await closuresFrom(q.sql, start);
    const timeOff = await timeOffFrom(q.sql, body.teacherId, start);
    expansion = expandSeries({ firstStart: start, zone: rules.zone, ...body.recurrence, closures, timeOff, durationMinutes: body.durationMinutes });
    if (expansion.occurrences.length === 0) throw badField('body.recurrence', "The series has no date outside closures and the teacher's time off");
  }
  return { rules, start, expansion };
}

/**
 * POST /lessons: `bookLessons` in a transaction of its own, committed when it books and rolled
 * back when it refuses. Database errors surface as the driver's (23P01 → 409 …). Once committed,
 * the family and the teacher get one `lesson_confirmation` for the lesson or the whole series, as
 * a booking by the scheduling workflow does (noticeLessonsBooked); `notices` says which started.
 */
export async function createLessons(deps: LessonDeps, caller: Caller, actor: AuditActor, body: CreateLessonBody): Promise<CreateResult & { notices: LessonNotice[] }> {
  const result = await driverErrors(() => txOpener(deps.db)((tx) => bookLessons(tx, deps, caller, actor, body)));
  const ids = result.kind === 'lesson' ? [result.lesson.id] : result.lessons.map((l) => l.id);
  return { ...result, notices: await noticeLessonsBooked(deps, ids) };
}

/**
 * One lesson, or a recurring series all-or-nothing, booked inside `tx`: an open transaction (POST
 * /lessons' own, or a workflow node's ctx.transaction), which the caller commits. Every read and
 * write runs in `tx`; the checks and the insert (with its make-up credit and audit rows) run as
 * `caller` under row-level security, set LOCAL in a savepoint of `tx` (asCallerWithin); the busy
 * time is read as the owner. Any conflicting occurrence → 409 listing each one. A double booking
 * that slips past the check (a concurrent request) is refused by the exclusion constraints and
 * answered the same way. A refusal (an AppError: 400 naming the field, 403, 409) leaves nothing of
 * the booking in `tx` and `tx` usable; another error may leave `tx` aborted: roll it back.
 */
export async function bookLessons(tx: TxHandle, deps: LessonDeps, caller: Caller, actor: AuditActor, body: CreateLessonBody): Promise<CreateResult> {
  const q = txQueries(tx);
  const { rules, expansion, start } = await planBooking(deps, caller, body, q);
  const starts = expansion.occurrences;
  const problems = await conflictsPerOccurrence(deps, rules, body, starts, tx.sql);
  if (problems.length > 0) {
    if (!body.recurrence) throw await singleConflict(deps, rules, body, start, problems[0]!.reasons, tx.sql);
    throw conflict(`${problems.length} of ${starts.length} lessons of the series conflict; nothing was booked`, { conflicts: problems, skipped: expansion.skipped });
  }

  const seriesId = body.recurrence ? randomUUID() : null;
  let rows: Lesson[];
  let makeupCreditId: number | null = null;
  try {
    rows = await q.asCaller(caller, async (orm) => {
      const values = starts.map((s) => ({
        studentId: body.studentId,
        teacherId: body.teacherId,
        scheduledAt: new Date(s),
        endsAt: new Date(s + body.durationMinutes * MINUTE),
        durationMinutes: body.durationMinutes,
        lessonType: body.lessonType,
        notes: body.notes ?? null,
        privateNotes: body.privateNotes ?? null,
        seriesId,
      }));
      const inserted = await orm.insert(lessons).values(values).returning();
      if (body.lessonType === 'makeup') {
        makeupCreditId = await useCredit(orm, body.studentId, inserted[0]!.id, { creditId: body.makeupCreditId, today: localDateOf(rules.now, rules.zone) });
      }
      for (const row of inserted) {
        await recordAudit(sqlExecutorOf(orm), actor, { action: 'create', entity: 'lesson', entityId: row.id, after: toLessonView(row, rules.zone, 'staff') });
      }
      return inserted;
    });
  } catch (error) {
    const overlap = overlapError(error);
    if (!overlap) throw error;
    // The savepoint is rolled back: `tx` reads on, and sees the booking that took the slot.
    const fresh = await conflictsPerOccurrence(deps, rules, body, starts, tx.sql);
    if (body.recurrence) {
      throw conflict(`The series was booked over by another request; nothing was booked`, { conflicts: fresh, skipped: expansion.skipped });
    }
    const who = overlap.constraint === LESSON_OVERLAP_CONSTRAINTS.student ? 'student_overlap' : 'teacher_overlap';
    const reasons: Conflict[] = fresh[0]?.reasons ?? [{ kind: who, reason: 'Another booking took this time a moment ago' }];
    throw await singleConflict(deps, rules, body, start, reasons, tx.sql);
  }
  const audience = audienceOf(caller);
  const views = rows.map((row) => toLessonView(row, rules.zone, audience));
  if (!seriesId) return { kind: 'lesson', lesson: body.lessonType === 'makeup' ? { ...views[0]!, makeupCreditId } : views[0]! };
  return { kind: 'series', seriesId, lessons: views, skipped: expansion.skipped };
}
