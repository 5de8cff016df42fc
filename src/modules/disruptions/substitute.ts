import type { Orm } from '../../db/client.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';
import { conflict, validationFailed } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { conflictsIn } from '../lessons/check.js';
import { loadSchedulingData } from '../lessons/context.js';
import { rulesOf } from '../lessons/deps.js';
import type { LessonDeps } from '../lessons/deps.js';
import type { ConflictKind } from '../scheduling/conflicts.js';
import { isoInZone } from '../scheduling/local-time.js';
import type { KnownSettings } from '../settings/types.js';
import type { AffectedLesson } from './affected.js';

const FIELD = 'body.substituteTeacherId';
/** The rules that make a substitute unavailable (notice, closures and the student's other lessons are not about them). */
const BUSY: ReadonlySet<ConflictKind> = new Set(['outside_hours', 'time_off', 'teacher_overlap', 'teacher_buffer']);

export interface Substitute {
  id: number;
  userId: number;
  name: string;
}

interface TeacherRow {
  id: number;
  userId: number;
  name: string;
  instruments: string[];
  isActive: boolean;
}

/**
 * Checks that teacher `substituteId` can take over `lessons` of teacher `teacherId`: another,
 * existing (400 naming body.substituteTeacherId) and active teacher, who teaches each student's
 * instrument and is free at each lesson's time: inside their weekly hours, not on time off, no
 * lesson of their own or covered (buffer included). Any lesson that fails → 409 naming the field,
 * one detail per clashing lesson (its id, time and why). Reads as the database owner.
 */
export async function checkSubstitute(deps: LessonDeps, settings: KnownSettings, teacherId: number, substituteId: number, lessons: readonly AffectedLesson[]): Promise<Substitute> {
  if (substituteId === teacherId) throw validationFailed([{ field: FIELD, message: 'must be another teacher than the one who is away' }]);
  const [teacher] = await deps.db.sql.query<TeacherRow>(
    `SELECT t.id, t.user_id AS "userId", btrim(u.first_name || ' ' || u.last_name) AS name, t.instruments, u.is_active AS "isActive"
     FROM teachers t JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
    [substituteId],
  );
  if (!teacher) throw validationFailed([{ field: FIELD, message: `no teacher ${substituteId}` }]);
  if (!teacher.isActive) throw conflict(`Teacher ${substituteId} (${teacher.name}) is not active`, [{ field: FIELD, message: 'is not an active teacher' }]);
  const substitute = { id: teacher.id, userId: teacher.userId, name: teacher.name };
  if (lessons.length === 0) return substitute;

  const zone = settings.timezone;
  const rules = rulesOf(settings, deps.now());
  const data = await loadSchedulingData(deps.db.sql, {
    teacherIds: [substituteId],
    from: Math.min(...lessons.map((l) => l.start)),
    to: Math.max(...lessons.map((l) => l.end)),
    bufferMinutes: rules.bufferMinutes,
  });
  const clashes: { field: string; message: string; lessonId: number; scheduledAt: string }[] = [];
  for (const lesson of lessons) {
    const reasons: string[] = [];
    if (!teacher.instruments.includes(lesson.instrument.toLowerCase())) reasons.push(`does not teach ${lesson.instrument}`);
    const busy = conflictsIn(data, rules, { teacherId: substituteId, start: lesson.start, durationMinutes: lesson.durationMinutes, ignoreLessonId: lesson.id }).filter((c) =>
      BUSY.has(c.kind),
    );
    reasons.push(...busy.map((c) => c.reason));
    if (reasons.length > 0) {
      const scheduledAt = isoInZone(lesson.start, zone);
      clashes.push({ field: FIELD, message: `lesson ${lesson.id} (${lesson.studentName}, ${scheduledAt}): ${reasons.join('; ')}`, lessonId: lesson.id, scheduledAt });
    }
  }
  if (clashes.length > 0) {
    throw conflict(`${teacher.name} cannot take ${clashes.length} of the ${lessons.length} lessons: ${clashes.map((c) => c.message).join(' | ')}`, clashes);
  }
  return substitute;
}

/**
 * Hands `lessons` to the substitute inside `tx` (the caller's transaction): each still-scheduled
 * one gets `substitute_teacher_id`, audited. A lesson the substitute took meanwhile is refused by
 * the exclusion constraint lessons_no_substitute_overlap (409). Returns the ids changed.
 */
export async function assignSubstitute(tx: Orm, actor: AuditActor, substituteId: number, lessons: readonly AffectedLesson[]): Promise<Set<number>> {
  const sql = sqlExecutorOf(tx);
  const rows = await sql.query<{ id: number; before: number | null }>(
    `UPDATE lessons l SET substitute_teacher_id = $1 FROM lessons old
     WHERE l.id = old.id AND l.id = ANY($2::int[]) AND l.status = 'scheduled'
     RETURNING l.id, old.substitute_teacher_id AS before`,
    [substituteId, lessons.map((l) => l.id)],
  );
  for (const row of rows) {
    await recordAudit(sql, actor, {
      action: 'substitute',
      entity: 'lesson',
      entityId: row.id,
      before: { substituteTeacherId: row.before },
      after: { substituteTeacherId: substituteId },
    });
  }
  return new Set(rows.map((r) => r.id));
}
