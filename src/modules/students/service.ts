import { eq } from 'drizzle-orm';
import type { Database, Orm } from '../../db/client.js';
import { asCaller, type Caller } from '../auth/scoped.js';
import { students } from '../../db/schema/students.js';
import { teachers } from '../../db/schema/teachers.js';
import { notFound } from '../../http/errors.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { todayIn } from '../records/common.js';
import type { SchoolSettings } from '../settings/reader.js';
import { findStudent, listStudents, toView } from './queries.js';
import { checkStudent, type RuleContext } from './rules.js';
import { refuseDuplicateStudent } from './duplicates.js';
import type { StudentBody, StudentListQuery, StudentPatch, StudentView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

type StudentRow = typeof students.$inferSelect;

/** Students: every request runs as its caller (row-level security) with the rules of rules.ts. */
export class StudentsService {
  constructor(
    private readonly db: Database,
    private readonly settings: SchoolSettings,
  ) {}

  /** Instruments and today's date, from settings read now (list and detail answers may be kept by the read cache). */
  private async context(): Promise<RuleContext> {
    const settings = await this.settings.fresh();
    return { instruments: settings.instruments, today: todayIn(settings.timezone) };
  }

  /** Admins see everyone; a parent only their children; a teacher only their assigned students. */
  async list(caller: Caller, query: StudentListQuery) {
    const { today } = await this.context();
    return asCaller(this.db, caller, async (tx) => {
      const scope: { parentId?: number; teacherId?: number } = {};
      if (caller.role === 'parent') scope.parentId = caller.userId;
      if (caller.role === 'teacher') scope.teacherId = (await teacherIdOf(tx, caller.userId)) ?? -1;
      const { rows, total } = await listStudents(tx, query, scope);
      return { data: rows.map((row) => toView(row, today, caller.role)), page: query.page, pageSize: query.pageSize, total };
    });
  }

  /** Another family's child, or a student a teacher does not teach, is "not found" (404), never 403. */
  async get(caller: Caller, id: number): Promise<StudentView> {
    const { today } = await this.context();
    return asCaller(this.db, caller, async (tx) => {
      const row = await findStudent(tx, id);
      if (caller.role === 'parent' && row.student.parentId !== caller.userId) throw notFoundStudent(id);
      if (caller.role === 'teacher' && row.student.teacherId !== (await teacherIdOf(tx, caller.userId))) throw notFoundStudent(id);
      return toView(row, today, caller.role);
    });
  }

  async create(caller: Caller, actor: AuditActor, body: StudentBody): Promise<StudentView> {
    const ctx = await this.context();
    return asCaller(this.db, caller, async (tx) => {
      const values = { ...body, teacherId: body.teacherId ?? null, enrollmentDate: body.enrollmentDate ?? ctx.today, isActive: body.isActive ?? true };
      await checkStudent(tx, values, ctx);
      await refuseDuplicateStudent(tx, values);
      const [created] = await tx.insert(students).values(values).returning({ id: students.id });
      const after = toView(await findStudent(tx, created!.id), ctx.today);
      await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'student', entityId: after.id, after });
      return after;
    });
  }

  /** PUT: the body replaces every writable field (omitted optional ones reset; enrollmentDate and isActive keep their value). */
  async replace(caller: Caller, actor: AuditActor, id: number, body: StudentBody): Promise<StudentView> {
    return this.change(caller, actor, id, (current) => ({
      ...body,
      teacherId: body.teacherId ?? null,
      email: body.email ?? null,
      notes: body.notes ?? null,
      skillLevel: body.skillLevel ?? 'beginner',
      enrollmentDate: body.enrollmentDate ?? current.enrollmentDate,
      isActive: body.isActive ?? current.isActive,
    }));
  }

  async patch(caller: Caller, actor: AuditActor, id: number, patch: StudentPatch): Promise<StudentView> {
    const set = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as StudentPatch;
    return this.change(caller, actor, id, (current) => ({ ...current, ...set }));
  }

  /** Soft delete: isActive = false (the record and its history stay). Idempotent. */
  async deactivate(caller: Caller, actor: AuditActor, id: number): Promise<void> {
    await this.change(caller, actor, id, (current) => ({ ...current, isActive: false }), 'delete');
  }

  private async change(
    caller: Caller,
    actor: AuditActor,
    id: number,
    apply: (current: StudentRow) => Omit<StudentRow, 'id' | 'createdAt' | 'updatedAt'>,
    action: 'update' | 'delete' = 'update',
  ): Promise<StudentView> {
    const ctx = await this.context();
    return asCaller(this.db, caller, async (tx) => {
      const [current] = await tx.select().from(students).where(eq(students.id, id)).for('update');
      if (!current) throw notFoundStudent(id);
      const before = toView(await findStudent(tx, id), ctx.today);
      const { id: _id, createdAt: _c, updatedAt: _u, ...next } = { ...current, ...apply(current) } as StudentRow;
      const changes = Object.entries(next).filter(([key, value]) => current[key as keyof StudentRow] !== value);
      if (changes.length === 0) return before; // nothing to write, nothing to audit
      await checkStudent(tx, next, ctx, current);
      const identityChanged = (['parentId', 'firstName', 'lastName', 'dateOfBirth', 'isActive'] as const).some((key) => next[key] !== current[key]);
      if (identityChanged) await refuseDuplicateStudent(tx, next, id);
      await tx.update(students).set(next).where(eq(students.id, id));
      const after = toView(await findStudent(tx, id), ctx.today);
      await recordAudit(sqlExecutorOf(tx), actor, { action, entity: 'student', entityId: id, before, after });
      return after;
    });
  }
}

async function teacherIdOf(tx: Orm, userId: number): Promise<number | null> {
  const [row] = await tx.select({ id: teachers.id }).from(teachers).where(eq(teachers.userId, userId));
  return row?.id ?? null;
}

const notFoundStudent = (id: number) => notFound(`Student ${id}`);
