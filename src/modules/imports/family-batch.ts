/**
 * A batch of families rows in a few round trips. Every row is read and validated in memory; the
 * batch's parents, teachers and matching children are looked up with one statement per kind; the
 * rows that cannot fail (a new or unchanged parent with a new child the rules accept, or an
 * unchanged child) are settled in memory, and the new records are written together: one
 * multi-row INSERT of parents, one of children, one of their audit rows, in one savepoint.
 * Any other row (an update, a rule the row breaks, a second child of one parent with the same
 * date of birth) is applied alone by importFamilyRow in its own savepoint, after the rows before
 * it are written, so every row ends as it would one at a time in file order; the parent and
 * teacher it touched are then read afresh (their later rows go alone too).
 */
import type { StudentBody } from '../students/schemas.js';
import { students } from '../../db/schema/students.js';
import { recordAudits, type AuditEntry } from '../audit/record.js';
import { toView } from '../students/queries.js';
import { accountView } from './accounts.js';
import { accountDiffers, childBody, childChanges, type FamilyRow, importFamilyRow, noSuchTeacher, readFamilyRow, refuseParentAccount } from './families.js';
import { matchingChildren, type Parent, parentsByEmail, type ReadRow, type Teacher, teachersByEmail } from './family-lookups.js';
import type { ImportRow } from './parse.js';
import { inviteIfAsked, type RowContext } from './row-context.js';
import { applyInSavepoint, problemReport, type RowReport } from './savepoint.js';
import { RowProblem } from './values.js';

/** A row to write with the batch's multi-row statements. */
interface Pending {
  index: number;
  family: FamilyRow;
  body: StudentBody;
  teacher: Teacher | undefined;
  newParent: boolean;
}

const SAVEPOINT = 'import_batch';

export async function applyFamilyRows(ctx: RowContext, rows: readonly ImportRow[], headers: Readonly<Record<string, string>>): Promise<RowReport[]> {
  const families = rows.map((row): ReadRow => {
    try {
      return { row, family: readFamilyRow(row.values) };
    } catch (error) {
      if (error instanceof RowProblem) return { row, problem: error };
      throw error;
    }
  });
  const parents = await parentsByEmail(ctx, unique(families.map((r) => r.family?.parent.email)));
  const teachers = await teachersByEmail(ctx, unique(families.map((r) => r.family?.teacherEmail)));
  for (const read of families) childOf(ctx, read, teachers);
  const matches = await matchingChildren(ctx, families, parents);

  const reports: RowReport[] = new Array(rows.length);
  const pending: Pending[] = [];
  const freshParents = new Set<string>();
  const freshTeachers = new Set<number>();
  /** `email|date of birth` of the children the pending rows create. */
  const pendingChildren = new Set<string>();

  const alone = async (index: number, family: FamilyRow | undefined, teacher: Teacher | undefined): Promise<void> => {
    const report = await applyInSavepoint(ctx, importFamilyRow, rows[index]!, headers);
    reports[index] = report;
    if (report.outcome === 'error') return;
    if (family) freshParents.add(family.parent.email);
    if (teacher) freshTeachers.add(teacher.id);
  };
  const flush = async (): Promise<void> => {
    const batch = pending.splice(0);
    if (batch.length === 0) return;
    await ctx.tx.sql.exec(`SAVEPOINT ${SAVEPOINT}`);
    try {
      await writeNewFamilies(ctx, batch, parents);
      await ctx.tx.sql.exec(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      for (const p of batch) reports[p.index] = { row: rows[p.index]!.row, outcome: 'created', errors: [] };
    } catch (error) {
      await ctx.tx.sql.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      // Only a constraint (SQLSTATE class 23) the checks could not see, e.g. another import writing the same
      // e-mail at the same moment: each row alone then, so only the row at fault fails. Anything else is thrown.
      if (!isConstraintViolation(error)) throw error;
      for (const p of batch) {
        if (p.newParent) parents.delete(p.family.parent.email);
        freshParents.add(p.family.parent.email);
        await alone(p.index, p.family, p.teacher);
      }
    }
  };

  for (const [index, read] of families.entries()) {
    const { family, body, teacher } = read;
    if (read.problem || !family || !body) {
      reports[index] = problemReport(read.row, read.problem ?? new RowProblem([]), headers);
      continue;
    }
    const email = family.parent.email;
    const parent = parents.get(email);
    const fresh = freshParents.has(email) || (teacher !== undefined && freshTeachers.has(teacher.id));
    if (parent && parent.role === 'parent' && parent.is_active && !fresh) {
      if (!accountDiffers(parent, family.parent)) {
        const match = matches.get(index);
        if (match && Object.keys(childChanges(match, body, { given: family.child, teacherGiven: teacher !== undefined })).length === 0) {
          reports[index] = { row: read.row.row, outcome: 'skipped', errors: [] };
          continue;
        }
        if (!match && acceptsNewChild(ctx, body, teacher, pendingChildren, email)) {
          pending.push({ index, family, body, teacher, newParent: false });
          continue;
        }
      }
    } else if (parent) {
      try {
        refuseParentAccount(parent);
      } catch (error) {
        if (!(error instanceof RowProblem)) throw error;
        reports[index] = problemReport(read.row, error, headers);
        continue;
      }
    } else if (!fresh && acceptsNewChild(ctx, body, teacher, pendingChildren, email)) {
      parents.set(email, {
        id: undefined,
        role: 'parent',
        is_active: true,
        first_name: family.parent.firstName,
        last_name: family.parent.lastName,
        phone: family.parent.phone ?? null,
      });
      pending.push({ index, family, body, teacher, newParent: true });
      continue;
    }
    await flush();
    await alone(index, family, teacher);
  }
  await flush();
  return reports;
}

const isConstraintViolation = (error: unknown): boolean => error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('23');

const unique = (values: ReadonlyArray<string | undefined>): string[] => [...new Set(values.filter((v): v is string => v !== undefined))];

/** The child's body (or the row's problem: an unknown teacher first, as importFamilyRow finds them). */
function childOf(ctx: RowContext, read: ReadRow, teachers: ReadonlyMap<string, Teacher>): void {
  const family = read.family;
  if (!family) return;
  try {
    const teacher = family.teacherEmail === undefined ? undefined : teachers.get(family.teacherEmail);
    if (family.teacherEmail !== undefined && !teacher) throw noSuchTeacher(family.teacherEmail);
    read.teacher = teacher;
    read.body = childBody(ctx, family, teacher?.id);
  } catch (error) {
    if (!(error instanceof RowProblem)) throw error;
    read.problem = error;
  }
}

/**
 * The students rules (checkStudent, refuseDuplicateStudent) for a new child, in memory: true when
 * the child certainly passes them (the teacher's count then takes it). False sends the row alone,
 * where the rules give their own answer.
 */
function acceptsNewChild(ctx: RowContext, body: StudentBody, teacher: Teacher | undefined, pendingChildren: Set<string>, email: string): boolean {
  const key = `${email}|${body.dateOfBirth}`;
  if (pendingChildren.has(key) || body.dateOfBirth > ctx.today || !ctx.settings.instruments.includes(body.instrument)) return false;
  if (teacher && (!teacher.userActive || !teacher.isAvailable || !teacher.instruments.includes(body.instrument) || teacher.activeStudents >= teacher.maxStudents)) return false;
  if (teacher) teacher.activeStudents += 1;
  pendingChildren.add(key);
  return true;
}

/** The pending rows' new parents and children with their audit rows (and invitations): three statements for the lot. */
async function writeNewFamilies(ctx: RowContext, batch: readonly Pending[], parents: Map<string, Parent>): Promise<void> {
  const newParents = batch.filter((p) => p.newParent).map((p) => p.family.parent);
  const created = newParents.length
    ? await ctx.tx.sql.query<{ id: number; email: string }>(
        `INSERT INTO users (email, first_name, last_name, phone, role)
         SELECT p.email, p.first_name, p.last_name, p.phone, 'parent' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS p(email, first_name, last_name, phone, n)
          ORDER BY p.n RETURNING id, email`,
        [newParents.map((p) => p.email), newParents.map((p) => p.firstName), newParents.map((p) => p.lastName), newParents.map((p) => p.phone ?? null)],
      )
    : [];
  const parentIds = new Map(created.map((row) => [row.email, Number(row.id)]));
  const idOf = (email: string): number => parentIds.get(email) ?? parents.get(email)?.id ?? Number.NaN;
  const values = batch.map(({ family, body }) => ({
    ...body,
    parentId: idOf(family.parent.email),
    teacherId: body.teacherId ?? null,
    email: body.email ?? null,
    notes: body.notes ?? null,
    enrollmentDate: ctx.today,
    isActive: true,
  }));
  const children = await ctx.tx.orm.insert(students).values(values).returning();
  const childOf = new Map(children.map((child) => [`${child.parentId}|${child.dateOfBirth}`, child]));

  const audits: AuditEntry[] = [];
  for (const [i, { family, teacher, newParent }] of batch.entries()) {
    const { email, firstName, lastName, phone } = family.parent;
    const parentId = idOf(email);
    const parent = parents.get(email)!;
    if (newParent) {
      parent.id = parentId;
      audits.push({
        action: 'create',
        entity: 'user',
        entityId: parentId,
        before: null,
        after: accountView(parentId, 'parent', { email, firstName, lastName, phone: phone ?? null }),
      });
    }
    const child = childOf.get(`${parentId}|${values[i]!.dateOfBirth}`);
    if (!child) throw new Error(`the child of ${email} was not written`);
    const after = toView({ student: child, parentName: `${parent.first_name} ${parent.last_name}`, teacherName: teacher?.name ?? null }, ctx.today);
    audits.push({ action: 'create', entity: 'student', entityId: child.id, after });
  }
  await recordAudits(ctx.tx.sql, ctx.actor, audits);
  for (const { family, newParent } of batch) {
    if (newParent) await inviteIfAsked(ctx, { id: idOf(family.parent.email), email: family.parent.email, firstName: family.parent.firstName });
  }
}
