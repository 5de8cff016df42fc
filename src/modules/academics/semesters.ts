import { and, asc, count, eq, ne, type SQL } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import { academicYears, semesters } from '../../db/schema/academics.js';
import { conflict, notFound, validationFailed } from '../../http/errors.js';
import { offsetOf, type PageQuery } from '../../http/pagination.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { toIso } from '../records/common.js';
import { checkRange, describeRange, within } from './range.js';
import type { SemesterBody, SemesterView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

type Row = typeof semesters.$inferSelect;
const view = (r: Row): SemesterView => ({
  id: r.id,
  academicYearId: r.academicYearId,
  name: r.name,
  startsOn: r.startsOn,
  endsOn: r.endsOn,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});

export async function listSemesters(tx: Orm, query: PageQuery & { academicYearId?: number | undefined }) {
  const where: SQL | undefined = query.academicYearId ? eq(semesters.academicYearId, query.academicYearId) : undefined;
  const rows = await tx.select().from(semesters).where(where).orderBy(asc(semesters.startsOn), asc(semesters.id)).limit(query.pageSize).offset(offsetOf(query));
  const [total] = await tx.select({ n: count() }).from(semesters).where(where);
  return { data: rows.map(view), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

async function findSemester(tx: Orm, id: number, lock = false): Promise<Row> {
  const query = tx.select().from(semesters).where(eq(semesters.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound(`Semester ${id}`);
  return row;
}

export const getSemester = async (tx: Orm, id: number): Promise<SemesterView> => view(await findSemester(tx, id));

/** The year exists and holds the dates (400); the name is free and no other semester of the year overlaps (409). */
async function checkSemester(tx: Orm, s: SemesterBody, exceptId: number): Promise<void> {
  checkRange(s);
  const [year] = await tx.select().from(academicYears).where(eq(academicYears.id, s.academicYearId)).for('share');
  if (!year) throw validationFailed([{ field: 'body.academicYearId', message: `academic year ${s.academicYearId} does not exist` }]);
  if (!within(s, year)) {
    const field = s.startsOn < year.startsOn ? 'body.startsOn' : 'body.endsOn';
    throw validationFailed([{ field, message: `the semester must lie within academic year ${describeRange(year)}` }]);
  }
  const others = await tx
    .select()
    .from(semesters)
    .where(and(eq(semesters.academicYearId, s.academicYearId), ne(semesters.id, exceptId)));
  const sameName = others.find((o) => o.name.toLowerCase() === s.name.toLowerCase());
  if (sameName) throw conflict(`Academic year "${year.name}" already has a semester named "${sameName.name}"`, [{ field: 'body.name', message: 'is taken' }]);
  const overlap = others.find((o) => o.startsOn <= s.endsOn && s.startsOn <= o.endsOn);
  if (overlap) throw conflict(`The dates overlap semester ${describeRange(overlap)}`, [{ field: 'body.startsOn', message: 'overlaps another semester' }]);
}

export async function createSemester(tx: Orm, actor: AuditActor, body: SemesterBody): Promise<SemesterView> {
  await checkSemester(tx, body, 0);
  const [row] = await tx.insert(semesters).values(body).returning();
  const after = view(row!);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'semester', entityId: after.id, after });
  return after;
}

export async function updateSemester(tx: Orm, actor: AuditActor, id: number, patch: Partial<SemesterBody>): Promise<SemesterView> {
  const current = await findSemester(tx, id, true);
  const next: SemesterBody = {
    academicYearId: patch.academicYearId ?? current.academicYearId,
    name: patch.name ?? current.name,
    startsOn: patch.startsOn ?? current.startsOn,
    endsOn: patch.endsOn ?? current.endsOn,
  };
  await checkSemester(tx, next, id);
  const [row] = await tx.update(semesters).set(next).where(eq(semesters.id, id)).returning();
  const after = view(row!);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'update', entity: 'semester', entityId: id, before: view(current), after });
  return after;
}

export async function deleteSemester(tx: Orm, actor: AuditActor, id: number): Promise<void> {
  const current = await findSemester(tx, id, true);
  await tx.delete(semesters).where(eq(semesters.id, id));
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'delete', entity: 'semester', entityId: id, before: view(current) });
}
