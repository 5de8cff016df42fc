/**
 * A families row: a parent and one child. The parent is matched by e-mail, the child by parent +
 * name + date of birth (the students API's duplicate rule); several rows of one parent give one
 * family with several children. New records go through the same validation (the API's schemas)
 * and rules (students/rules.ts) as the API, each with its audit row.
 */
import { eq } from 'drizzle-orm';
import { students } from '../../db/schema/students.js';
import { recordAudit } from '../audit/record.js';
import { duplicateOf, refuseDuplicateStudent } from '../students/duplicates.js';
import { findStudent, toView } from '../students/queries.js';
import { checkStudent } from '../students/rules.js';
import { studentBody, type StudentBody } from '../students/schemas.js';
import { createUserBody } from '../users/schemas.js';
import { type AccountFields, createParentAccount, syncAccount } from './accounts.js';
import { asRowIssues, combine, userByEmail, validateWith, type RowContext, type RowOutcome } from './row-context.js';
import { RowProblem, RowReader } from './values.js';

/** Fields of the API's bodies → the import's columns. */
const parentFields = { email: 'parentEmail', firstName: 'parentFirstName', lastName: 'parentLastName', phone: 'parentPhone' };
const studentFields = {
  parentId: 'parentEmail',
  teacherId: 'teacherEmail',
  firstName: 'studentFirstName',
  lastName: 'studentLastName',
  email: 'studentEmail',
  dateOfBirth: 'studentDateOfBirth',
  enrollmentDate: 'studentDateOfBirth',
  instrument: 'instrument',
  skillLevel: 'skillLevel',
  lessonRateCents: 'lessonRate',
  notes: 'notes',
};

/** A families row read and checked in memory (no database): the parent's fields and the child as given. */
export interface FamilyRow {
  /** The parent's account fields; the e-mail in lower case. */
  parent: AccountFields;
  /** The child's values as the file gives them (undefined: not in the file). */
  child: {
    firstName: string | undefined;
    lastName: string | undefined;
    dateOfBirth: string | undefined;
    instrument: string | undefined;
    skillLevel: string | undefined;
    lessonRateCents: number | undefined;
    email: string | undefined;
    notes: string | undefined;
  };
  teacherEmail: string | undefined;
}

/** Reads a families row and validates its parent (the users API's schema); a RowProblem names each bad field. */
export function readFamilyRow(values: Readonly<Record<string, string>>): FamilyRow {
  const r = new RowReader(values);
  const parent = {
    email: r.email('parentEmail', { required: true }),
    firstName: r.text('parentFirstName', { required: true }),
    lastName: r.text('parentLastName', { required: true }),
    phone: r.text('parentPhone', { max: 40 }),
  };
  const child = {
    firstName: r.text('studentFirstName', { required: true }),
    lastName: r.text('studentLastName', { required: true }),
    dateOfBirth: r.date('studentDateOfBirth', { required: true }),
    instrument: r.text('instrument', { required: true })?.toLowerCase(),
    skillLevel: r.text('skillLevel')?.toLowerCase(),
    lessonRateCents: r.money('lessonRate'),
    email: r.email('studentEmail'),
    notes: r.text('notes', { max: 2000 }),
  };
  const teacherEmail = r.email('teacherEmail');
  r.done();
  const input = validateWith(createUserBody, { ...parent, role: 'parent' }, parentFields, 'parentEmail');
  return { parent: { email: input.email.toLowerCase(), firstName: input.firstName, lastName: input.lastName, phone: input.phone ?? undefined }, child, teacherEmail };
}

/** The child as the students API's schema takes it (`parentId` is a placeholder: set it once the parent is known). */
export function childBody(ctx: RowContext, family: FamilyRow, teacherId: number | undefined): StudentBody {
  const lessonRateCents = family.child.lessonRateCents ?? ctx.settings.pricing.lessonCents['30'] ?? 4500;
  return validateWith(studentBody, { ...family.child, parentId: 1, teacherId, lessonRateCents }, studentFields, 'studentFirstName');
}

/** The parent's names and phone differ from the account's (the phone only when the file gives one). */
export function accountDiffers(existing: { first_name: string; last_name: string; phone: string | null }, fields: AccountFields): boolean {
  const phone = fields.phone === undefined ? existing.phone : fields.phone;
  return existing.first_name !== fields.firstName || existing.last_name !== fields.lastName || existing.phone !== phone;
}

/** One families row on its own (its own look-ups and writes): the batch's way for any row it cannot settle in memory. */
export async function importFamilyRow(ctx: RowContext, values: Readonly<Record<string, string>>): Promise<RowOutcome> {
  const family = readFamilyRow(values);
  const teacherId = family.teacherEmail === undefined ? undefined : await teacherIdByEmail(ctx, family.teacherEmail);
  const body = childBody(ctx, family, teacherId);
  const fields = family.parent;
  const existing = await userByEmail(ctx, fields.email);
  if (existing) refuseParentAccount(existing);
  const parentOutcome = existing ? await syncAccount(ctx, 'parent', existing, fields) : 'created';
  const parentId = existing ? existing.id : await createParentAccount(ctx, fields);
  const studentOutcome = await asRowIssues(studentFields, 'studentFirstName', () =>
    upsertStudent(ctx, { ...body, parentId }, { given: family.child, teacherGiven: teacherId !== undefined }),
  );
  return combine(parentOutcome, studentOutcome);
}

/** A RowProblem when the account of the parent's e-mail is another role's or deactivated. */
export function refuseParentAccount(existing: { role: string; is_active: boolean }): void {
  if (existing.role !== 'parent') throw new RowProblem([{ field: 'parentEmail', message: `belongs to a ${existing.role} account, not a parent` }]);
  if (!existing.is_active) throw new RowProblem([{ field: 'parentEmail', message: 'belongs to a deactivated parent; reactivate the account first' }]);
}

/** A RowProblem naming teacherEmail: no teacher has it. */
export const noSuchTeacher = (email: string): RowProblem => new RowProblem([{ field: 'teacherEmail', message: `no teacher has the e-mail ${email} (import teachers first)` }]);

/** The fields of a matched child the file asks to change (empty: the row changes nothing). */
export function childChanges(current: StudentColumns, body: StudentBody, present: { given: Record<string, unknown>; teacherGiven: boolean }): Partial<StudentColumns> {
  const wanted: Partial<StudentColumns> = { instrument: body.instrument };
  if (present.given.skillLevel !== undefined) wanted.skillLevel = body.skillLevel;
  if (present.given.lessonRateCents !== undefined) wanted.lessonRateCents = body.lessonRateCents;
  if (present.given.email !== undefined) wanted.email = body.email ?? null;
  if (present.given.notes !== undefined) wanted.notes = body.notes ?? null;
  if (present.teacherGiven) wanted.teacherId = body.teacherId ?? null;
  return Object.fromEntries(Object.entries(wanted).filter(([key, value]) => current[key as keyof StudentColumns] !== value));
}

/** The child's columns an import may change. */
export type StudentColumns = Pick<typeof students.$inferSelect, 'instrument' | 'skillLevel' | 'lessonRateCents' | 'email' | 'notes' | 'teacherId'>;

async function teacherIdByEmail(ctx: RowContext, email: string): Promise<number> {
  const [row] = await ctx.tx.sql.query<{ id: number }>('SELECT t.id FROM teachers t JOIN users u ON u.id = t.user_id WHERE lower(u.email) = $1', [email]);
  if (!row) throw noSuchTeacher(email);
  return Number(row.id);
}

/** Creates the child, or updates the fields the file gives that differ; skipped when nothing differs. */
async function upsertStudent(ctx: RowContext, body: StudentBody, present: { given: Record<string, unknown>; teacherGiven: boolean }): Promise<RowOutcome> {
  const orm = ctx.tx.orm;
  const rules = { instruments: ctx.settings.instruments, today: ctx.today };
  const existingId = await duplicateOf(orm, { ...body, isActive: true });
  if (existingId === undefined) {
    const values = { ...body, teacherId: body.teacherId ?? null, email: body.email ?? null, notes: body.notes ?? null, enrollmentDate: ctx.today, isActive: true };
    await checkStudent(orm, values, rules);
    await refuseDuplicateStudent(orm, values);
    const [created] = await orm.insert(students).values(values).returning({ id: students.id });
    const after = toView(await findStudent(orm, created!.id), ctx.today);
    await recordAudit(ctx.tx.sql, ctx.actor, { action: 'create', entity: 'student', entityId: after.id, after });
    return 'created';
  }
  const [current] = await orm.select().from(students).where(eq(students.id, existingId)).for('update');
  const changes = childChanges(current!, body, present);
  if (Object.keys(changes).length === 0) return 'skipped';
  const before = toView(await findStudent(orm, existingId), ctx.today);
  await checkStudent(orm, { ...current!, ...changes }, rules, current!);
  await orm.update(students).set(changes).where(eq(students.id, existingId));
  const after = toView(await findStudent(orm, existingId), ctx.today);
  await recordAudit(ctx.tx.sql, ctx.actor, { action: 'update', entity: 'student', entityId: existingId, before, after });
  return 'updated';
}
