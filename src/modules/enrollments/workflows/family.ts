/**
 * `family`: the parent account (reused when the e-mail is a parent's; else created without a
 * password: the set-password e-mail goes out with the welcome, once the enrollment succeeded) and
 * the student (reused when this parent already has this child for this instrument), written with
 * the row's parent_id and student_id in one `ctx.transaction`, so it happens once: a re-run gets the
 * recorded output. Its compensation deletes what that output says was created.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Orm } from '../../../db/client.js';
import type { KnownSettings } from '../../settings/types.js';
import { students } from '../../../db/schema/students.js';
import { defineNode, PermanentError, type TaskContext } from '../../../engine/index.js';
import { AppError } from '../../../http/errors.js';
import { recordAudit, type AuditActor } from '../../audit/record.js';
import { recordConsents } from '../../consents/store.js';
import { localDateOf } from '../../scheduling/local-time.js';
import { settingsOf } from '../../lessons/deps.js';
import { checkStudent } from '../../students/rules.js';
import type { Submission } from '../schemas.js';
import { customerIdOf } from '../../payments/customers.js';
import { checkpointFault, committedFault, DB_RETRY, systemActor, type EnrollmentEvent, type NodeDeps } from './deps.js';
import { lockEnrollment, submissionOf, updateEnrollment, withNotes } from './row.js';
import { customerKept, deleteDemoLessons, deleteParentIfUnused, deleteStudent } from './undo.js';
import { rowsOf, sqlExecutorOf } from '../../../db/orm-sql.js';

export const familyOutput = z.object({
  parentId: z.number().int(),
  createdParent: z.boolean(),
  studentId: z.number().int(),
  createdStudent: z.boolean(),
});
export type FamilyOutput = z.infer<typeof familyOutput>;

async function parentFor(tx: Orm, sub: Submission, actor: AuditActor): Promise<{ id: number; created: boolean }> {
  const [existing] = rowsOf<{ id: number; role: string; is_active: boolean }>(
    await tx.execute(sql`SELECT id, role, is_active FROM users WHERE lower(email) = lower(${sub.parentEmail}) FOR UPDATE`),
  );
  if (existing) {
    if (existing.role !== 'parent' || !existing.is_active) throw new PermanentError('The parent e-mail belongs to a staff or deactivated account');
    return { id: Number(existing.id), created: false };
  }
  const after = { email: sub.parentEmail, firstName: sub.parentFirstName, lastName: sub.parentLastName, phone: sub.parentPhone, role: 'parent' };
  const [created] = rowsOf<{ id: number }>(
    await tx.execute(sql`INSERT INTO users (email, first_name, last_name, phone, role)
      VALUES (${after.email}, ${after.firstName}, ${after.lastName}, ${after.phone}, 'parent') ON CONFLICT DO NOTHING RETURNING id`),
  );
  // Another enrollment of the same family created the account a moment ago: a retry reuses it.
  if (!created) throw new Error(`the account of ${sub.parentEmail} is being created by another enrollment`);
  const id = Number(created.id);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'user', entityId: id, after: { id, ...after } });
  return { id, created: true };
}

async function studentFor(tx: Orm, sub: Submission, parentId: number, settings: KnownSettings, today: string, actor: AuditActor): Promise<{ id: number; created: boolean }> {
  const [existing] = rowsOf<{ id: number }>(
    await tx.execute(sql`SELECT id FROM students
      WHERE parent_id = ${parentId} AND is_active AND instrument = ${sub.instrument} AND date_of_birth = ${sub.studentDateOfBirth}
        AND lower(regexp_replace(btrim(first_name) || ' ' || btrim(last_name), '\\s+', ' ', 'g'))
          = lower(regexp_replace(btrim(${sub.studentFirstName}) || ' ' || btrim(${sub.studentLastName}), '\\s+', ' ', 'g'))
      ORDER BY id LIMIT 1`),
  );
  if (existing) return { id: Number(existing.id), created: false };
  const lessonRateCents = settings.pricing.lessonCents[String(sub.lessonDuration)];
  if (lessonRateCents === undefined) throw new PermanentError(`The pricing setting has no price for ${sub.lessonDuration}-minute lessons`);
  const draft = { parentId, teacherId: null, dateOfBirth: sub.studentDateOfBirth, enrollmentDate: today, instrument: sub.instrument, isActive: true };
  try {
    await checkStudent(tx, draft, { instruments: settings.instruments, today });
  } catch (error) {
    if (error instanceof AppError) throw new PermanentError(`The student cannot be recorded: ${error.message}`);
    throw error;
  }
  const [row] = await tx
    .insert(students)
    .values({ ...draft, firstName: sub.studentFirstName, lastName: sub.studentLastName, email: sub.studentEmail ?? null, lessonRateCents })
    .returning();
  if (!row) throw new Error('the student insert returned nothing');
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'student', entityId: row.id, after: row });
  return { id: row.id, created: true };
}

export function familyNode(deps: NodeDeps) {
  const { gateway } = deps.services;
  return defineNode<EnrollmentEvent, FamilyOutput>({
    id: 'family',
    description: 'Create or reuse the parent account and the student',
    retry: DB_RETRY,
    output: familyOutput,
    process: async (ctx: TaskContext<EnrollmentEvent>) => {
      const id = ctx.event.enrollmentId;
      const settings = await settingsOf(deps.lessons); // before the transaction: PGlite has one connection
      const made = await ctx.transaction(async ({ orm }) => {
        const row = await lockEnrollment(orm, id);
        if (row.status !== 'pending') throw new PermanentError(`enrollment ${row.id} is ${row.status}`);
        const sub = submissionOf(row);
        const actor = systemActor(row.id);
        const parent = await parentFor(orm, sub, actor);
        const student = await studentFor(orm, sub, parent.id, settings, localDateOf(deps.now(), settings.timezone), actor);
        // The form's terms and boxes are the parent's consents from now on (a reused account's too).
        await recordConsents(sqlExecutorOf(orm), parent.id, { dataProcessing: sub.agreedToTerms, ...sub.consents }, { actor, source: 'enrollment' });
        const result: FamilyOutput = { parentId: parent.id, createdParent: parent.created, studentId: student.id, createdStudent: student.created };
        await updateEnrollment(orm, row.id, result);
        await checkpointFault(deps, 'family', row.id);
        return result;
      });
      await committedFault(deps, 'family', id);
      return made;
    },
    compensate: (ctx: TaskContext<EnrollmentEvent>, output: FamilyOutput) =>
      ctx.transaction(async ({ orm, sql: tx }) => {
        const row = await lockEnrollment(orm, ctx.event.enrollmentId);
        const actor = systemActor(row.id);
        // The demo node books its lesson and records it on the row in one transaction; the student's
        // demo lessons go before the student (also one the demo step's compensation removed already).
        await deleteDemoLessons(orm, row.id, output.studentId, row.demoLessonId, actor);
        if (output.createdStudent) await deleteStudent(orm, output.studentId, actor);
        // The family's gateway customer stays (also when the payment step failed before noting it):
        // read before a created account's billing rows go with it.
        const customerId = await customerIdOf(tx, output.parentId, gateway.name);
        const kept = output.createdParent ? await deleteParentIfUnused(orm, output.parentId, row.id, actor) : undefined;
        const errors = [...(kept ? [kept] : []), ...(customerId ? [customerKept(customerId)] : [])];
        await updateEnrollment(orm, row.id, {
          ...withNotes(row, { errors }),
          studentId: null,
          createdStudent: false,
          teacherId: null,
          demoLessonId: null,
          demoLessonAt: null,
          // A reused account stays linked (its owner may read the failed enrollment); one made here goes.
          ...(output.createdParent && !kept ? { parentId: null, createdParent: false } : {}),
        });
        return null;
      }),
  });
}
