/**
 * `assign`: the best free teacher by the brief's scoring (scoring.ts), confirmed under lock by the
 * students' own rules (checkStudent: teaches the instrument, accepts students, has room); when the
 * best one filled up meanwhile, the next one. Compensation unassigns.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { students } from '../../../db/schema/students.js';
import { defineNode, PermanentError, type TaskContext } from '../../../engine/index.js';
import { AppError } from '../../../http/errors.js';
import { recordAudit } from '../../audit/record.js';
import { localDateOf } from '../../scheduling/local-time.js';
import { settingsOf } from '../../lessons/deps.js';
import { checkStudent } from '../../students/rules.js';
import { rankTeachers } from '../scoring.js';
import { teachersOf } from '../teachers.js';
import { checkpointFault, DB_RETRY, systemActor, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { lockEnrollment, submissionOf, transaction, updateEnrollment } from './row.js';
import { unassignTeacher } from './undo.js';
import { sqlExecutorOf } from '../../../db/orm-sql.js';

export const assignOutput = z.object({
  teacherId: z.number().int(),
  /** The brief's score (null when the student already had this teacher). */
  score: z.number().nullable(),
  preferred: z.boolean(),
  /** Whether this enrollment made the assignment (compensation undoes only that). */
  changed: z.boolean(),
});
export type AssignOutput = z.infer<typeof assignOutput>;

export function assignNode(deps: NodeDeps) {
  const { db } = deps.services;
  return defineNode<EnrollmentEvent, AssignOutput>({
    id: 'assign',
    description: 'Assign the best free teacher: instrument, preferred day and time, lowest load; a free preferred teacher wins',
    retry: DB_RETRY,
    output: assignOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const settings = await settingsOf(deps.lessons); // before the transaction: PGlite has one connection
      return transaction(db, async (tx) => {
        const row = await lockEnrollment(tx, ctx.event.enrollmentId);
        if (row.teacherId !== null) return { teacherId: row.teacherId, score: null, preferred: false, changed: row.createdStudent };
        if (row.studentId === null) throw new PermanentError(`enrollment ${row.id} has no student to assign`);
        const sub = submissionOf(row);
        const [student] = await tx.select().from(students).where(eq(students.id, row.studentId)).for('update');
        if (!student) throw new PermanentError(`student ${row.studentId} no longer exists`);
        const keep = async (teacherId: number, result: AssignOutput): Promise<AssignOutput> => {
          await updateEnrollment(tx, row.id, { teacherId });
          await checkpointFault(deps, 'assign', row.id);
          return result;
        };
        if (student.teacherId !== null) return keep(student.teacherId, { teacherId: student.teacherId, score: null, preferred: false, changed: false });

        const rules = { instruments: settings.instruments, today: localDateOf(deps.now(), settings.timezone) };
        const ranked = rankTeachers(
          await teachersOf(sqlExecutorOf(tx), sub.instrument),
          {
            instrument: sub.instrument,
            durationMinutes: sub.lessonDuration,
            preferredTeacherId: sub.preferredTeacherId,
            preferredDay: sub.preferredLessonDay,
            preferredTime: sub.preferredLessonTime,
          },
          row.id,
        );
        for (const choice of ranked) {
          try {
            // Locks the teacher row and counts their students: two enrollments cannot take one last place.
            await checkStudent(tx, { ...student, teacherId: choice.teacherId }, rules, student);
          } catch (error) {
            if (error instanceof AppError) continue; // full or no longer accepting since it was ranked
            throw error;
          }
          await tx.update(students).set({ teacherId: choice.teacherId }).where(eq(students.id, student.id));
          await recordAudit(sqlExecutorOf(tx), systemActor(row.id), {
            action: 'update',
            entity: 'student',
            entityId: student.id,
            before: { teacherId: null },
            after: { teacherId: choice.teacherId },
          });
          return keep(choice.teacherId, { teacherId: choice.teacherId, score: choice.score, preferred: choice.preferred, changed: true });
        }
        throw new PermanentError(`No ${sub.instrument} teacher has room for a new student any more`);
      });
    },
    compensate: (ctx: TaskContext<EnrollmentEvent>, output: AssignOutput) =>
      transaction(db, async (tx) => {
        const row = await lockEnrollment(tx, ctx.event.enrollmentId);
        if (row.studentId !== null && output.changed) await unassignTeacher(tx, row.studentId, output.teacherId, systemActor(row.id));
        if (row.teacherId !== null) await updateEnrollment(tx, row.id, { teacherId: null });
      }),
  });
}
