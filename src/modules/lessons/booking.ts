import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Caller } from '../auth/scoped.js';
import { LESSON_OVERLAP_CONSTRAINTS, lessons, type Lesson } from '../../db/schema/lessons.js';
import { students } from '../../db/schema/students.js';
import { teachers } from '../../db/schema/teachers.js';
import { conflict, forbidden } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { Conflict } from '../scheduling/conflicts.js';
import { isoInZone } from '../scheduling/local-time.js';
import { expandSeries, type SeriesExpansion } from '../scheduling/recurrence.js';
import type { SchedulingRules } from '../scheduling/types.js';
import { alternativesFor, conflictsIn } from './check.js';
import { loadSchedulingData } from './context.js';
import { overlapError, scoped, teacherIdOf, toLessonView } from './db.js';
import { badField, rulesOf, settingsOf, type LessonDeps } from './deps.js';
import { useCredit } from './makeup.js';
import type { CreateLessonBody, LessonView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export type CreateResult = { kind: 'lesson'; lesson: LessonView } | { kind: 'series'; seriesId: string; lessons: LessonView[]; skipped: SeriesExpansion['skipped'] };

/**
 * The student must be visible to the caller (row-level security), active and assigned a teacher;
 * a teacher books only their own students with themselves; a parent (the scheduling workflow)
 * books only with the student's own teacher; the teacher must exist. An admin may book another
 * teacher than the assigned one (a substitute).
 */
async function checkBookable(deps: LessonDeps, caller: Caller, body: CreateLessonBody): Promise<void> {
  await scoped(deps.db, caller, async (tx) => {
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

async function closuresFrom(deps: LessonDeps, start: number) {
  return deps.db.sql.query<{ name: string; startsOn: string; endsOn: string }>(
    `SELECT name, starts_on AS "startsOn", ends_on AS "endsOn" FROM closures WHERE ends_on >= $1::timestamptz::date - 1`,
    [new Date(start).toISOString()],
  );
}

/** Each occurrence's conflicts, with fresh data (only the occurrences that have some). */
export async function conflictsPerOccurrence(deps: LessonDeps, rules: SchedulingRules, body: CreateLessonBody, starts: number[]) {
  const duration = body.durationMinutes * MINUTE;
  const data = await loadSchedulingData(deps.db.sql, {
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

/** 409 for one lesson: what is in the way and the next free slots for that teacher and duration. */
export async function singleConflict(deps: LessonDeps, rules: SchedulingRules, body: CreateLessonBody, start: number, reasons: Conflict[]) {
  const alternatives = await alternativesFor(deps, rules, { teacherId: body.teacherId, studentId: body.studentId, after: start, durationMinutes: body.durationMinutes });
  const summary = reasons.map((r) => r.reason).join('; ');
  return conflict(`The lesson cannot be booked at ${isoInZone(start, rules.zone)}: ${summary}`, { conflicts: reasons, alternatives });
}

/** A checked booking request: the caller's rules and the lesson starts (closure dates skipped). */
export interface BookingPlan {
  rules: SchedulingRules;
  start: number;
  expansion: SeriesExpansion;
}

/**
 * Everything before conflict detection: the instant is in the future, the recurrence is allowed,
 * the student and teacher are bookable by the caller, and the series is expanded around closures.
 * Throws the same 400/403/409 errors as POST /lessons.
 */
export async function planBooking(deps: LessonDeps, caller: Caller, body: CreateLessonBody): Promise<BookingPlan> {
  const now = deps.now();
  const start = Date.parse(body.scheduledAt);
  if (start <= now) throw badField('body.scheduledAt', 'The lesson would start in the past');
  if (body.recurrence && body.lessonType === 'makeup') throw badField('body.recurrence', 'A make-up lesson cannot recur');
  if (body.recurrence?.until && Date.parse(body.recurrence.until) > start + 400 * DAY) {
    throw badField('body.recurrence.until', 'A series may span at most 400 days');
  }
  await checkBookable(deps, caller, body);
  const settings = await settingsOf(deps);
  const rules = rulesOf(settings, now, caller);

  let expansion: SeriesExpansion = { occurrences: [start], skipped: [] };
  if (body.recurrence) {
    const closures = await closuresFrom(deps, start);
    expansion = expandSeries({ firstStart: start, zone: rules.zone, ...body.recurrence, closures });
    if (expansion.occurrences.length === 0) throw badField('body.recurrence', 'The series has no date outside closures');
  }
  return { rules, start, expansion };
}

/**
 * POST /lessons: one lesson, or a recurring series created all-or-nothing in one transaction (any
 * conflicting occurrence → 409 listing each one, nothing written). Double bookings that slip past
 * the check (a concurrent request) are refused by the exclusion constraints and answered the same way.
 */
export async function createLessons(deps: LessonDeps, caller: Caller, actor: AuditActor, body: CreateLessonBody): Promise<CreateResult> {
  const { rules, expansion, start } = await planBooking(deps, caller, body);
  const starts = expansion.occurrences;
  const problems = await conflictsPerOccurrence(deps, rules, body, starts);
  if (problems.length > 0) {
    if (!body.recurrence) throw await singleConflict(deps, rules, body, start, problems[0]!.reasons);
    throw conflict(`${problems.length} of ${starts.length} lessons of the series conflict; nothing was booked`, { conflicts: problems, skipped: expansion.skipped });
  }

  const seriesId = body.recurrence ? randomUUID() : null;
  let rows: Lesson[];
  try {
    rows = await scoped(deps.db, caller, async (tx) => {
      const values = starts.map((s) => ({
        studentId: body.studentId,
        teacherId: body.teacherId,
        scheduledAt: new Date(s),
        endsAt: new Date(s + body.durationMinutes * MINUTE),
        durationMinutes: body.durationMinutes,
        lessonType: body.lessonType,
        notes: body.notes ?? null,
        seriesId,
      }));
      const inserted = await tx.insert(lessons).values(values).returning();
      if (body.lessonType === 'makeup') await useCredit(tx, body.studentId, inserted[0]!.id);
      for (const row of inserted) {
        await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'lesson', entityId: row.id, after: toLessonView(row, rules.zone) });
      }
      return inserted;
    });
  } catch (error) {
    const overlap = overlapError(error);
    if (!overlap) throw error;
    const fresh = await conflictsPerOccurrence(deps, rules, body, starts);
    if (body.recurrence) {
      throw conflict(`The series was booked over by another request; nothing was booked`, { conflicts: fresh, skipped: expansion.skipped });
    }
    const who = overlap.constraint === LESSON_OVERLAP_CONSTRAINTS.student ? 'student_overlap' : 'teacher_overlap';
    const reasons: Conflict[] = fresh[0]?.reasons ?? [{ kind: who, reason: 'Another booking took this time a moment ago' }];
    throw await singleConflict(deps, rules, body, start, reasons);
  }
  const views = rows.map((row) => toLessonView(row, rules.zone));
  if (!seriesId) return { kind: 'lesson', lesson: views[0]! };
  return { kind: 'series', seriesId, lessons: views, skipped: expansion.skipped };
}
