/**
 * `assign`: the best free teacher by the brief's scoring (scoring.ts), confirmed under lock by the
 * students' own rules (checkStudent: teaches the instrument, accepts students, has room); when the
 * best one filled up meanwhile, the next one. Written with the row's teacher_id in one
 * `ctx.transaction` (a re-run gets the recorded output). Compensation unassigns what the output
 * says this enrollment assigned.
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
import { checkpointFault, committedFault, DB_RETRY, systemActor, type EnrollmentEvent, type NodeDeps } from './deps.js';
import type { FamilyOutput } from './family.js';
import { readEnrollment, submissionOf, updateEnrollment } from './row.js';
import { unassignTeacher } from './undo.js';
import type { WaitlistOutput } from './waitlist.js';

export const assignOutput = z.object({
  /** The student assigned (the family node's). */
  studentId: z.number().int(),
  teacherId: z.number().int(),
  /** The brief's score (null when the student already had this teacher). */
  score: z.number().nullable(),
  preferred: z.boolean(),
  /** Whether this enrollment made the assignment (compensation undoes only that). */
  changed: z.boolean(),
});
export type AssignOutput = z.infer<typeof assignOutput>;

export function assignNode(deps: NodeDeps) {
  return defineNode<EnrollmentEvent, AssignOutput>({
    id: 'assign',
    description: 'Assign the best free teacher: instrument, preferred day and time, lowest load; a free preferred teacher wins',
    retry: DB_RETRY,
    output: assignOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const id = ctx.event.enrollmentId;
      const studentId = ctx.output<FamilyOutput>('family')?.studentId;
      if (studentId === undefined) throw new PermanentError(`enrollment ${id} has no student to assign`);
      const settings = await settingsOf(deps.lessons); // before the transaction: PGlite has one connection
      const assigned = await ctx.transaction(async ({ orm, sql: tx }) => {
        const sub = submissionOf(await readEnrollment(orm, id));
        const [student] = await orm.select().from(students).where(eq(students.id, studentId)).for('update');
        if (!student) throw new PermanentError(`student ${studentId} no longer exists`);
        const keep = async (result: AssignOutput): Promise<AssignOutput> => {
          await updateEnrollment(orm, id, { teacherId: result.teacherId });
          await checkpointFault(deps, 'assign', id);
          return result;
        };
        if (student.teacherId !== null) return keep({ studentId, teacherId: student.teacherId, score: null, preferred: false, changed: false });

        const rules = { instruments: settings.instruments, today: localDateOf(deps.now(), settings.timezone) };
        const ranked = rankTeachers(
          await teachersOf(tx, sub.instrument),
          {
            instrument: sub.instrument,
            durationMinutes: sub.lessonDuration,
            // The office's choice when it promoted the enrollment off the waitlist, else the family's.
            preferredTeacherId: ctx.output<WaitlistOutput>('waitlist')?.teacherId ?? sub.preferredTeacherId,
            preferredDay: sub.preferredLessonDay,
            preferredTime: sub.preferredLessonTime,
          },
          id,
        );
        for (const choice of ranked) {
          try {
            // Locks the teacher row and counts their students: two enrollments cannot take one last place.
            await checkStudent(orm, { ...student, teacherId: choice.teacherId }, rules, student);
          } catch (error) {
            if (error instanceof AppError) continue; // full or no longer accepting since it was ranked
            throw error;
          }
          await orm.update(students).set({ teacherId: choice.teacherId }).where(eq(students.id, student.id));
          await recordAudit(tx, systemActor(id), {
            action: 'update',
            entity: 'student',
            entityId: student.id,
            before: { teacherId: null },
            after: { teacherId: choice.teacherId },
          });
          return keep({ studentId, teacherId: choice.teacherId, score: choice.score, preferred: choice.preferred, changed: true });
        }
        throw new PermanentError(`No ${sub.instrument} teacher has room for a new student any more`);
      });
      await committedFault(deps, 'assign', id);
      return assigned;
    },
    // Safe to run twice: each write applies only while what it undoes is still there.
    compensate: (ctx: TaskContext<EnrollmentEvent>, output: AssignOutput) =>
      ctx.transaction(async ({ orm }) => {
        const id = ctx.event.enrollmentId;
        if (output.changed) await unassignTeacher(orm, output.studentId, output.teacherId, systemActor(id));
        await updateEnrollment(orm, id, { teacherId: null });
        return null;
      }),
  });
}
