import { and, asc, count, eq, gte, lte, ne, or, sql } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import { academicYears, closures, semesters } from '../../db/schema/academics.js';
import { conflict, notFound } from '../../http/errors.js';
import { offsetOf, type PageQuery } from '../../http/pagination.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { toIso } from '../records/common.js';
import { checkRange, describeRange, within } from './range.js';
import type { AcademicYearView, YearBody } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

type Row = typeof academicYears.$inferSelect;
const view = (r: Row): AcademicYearView => ({ id: r.id, name: r.name, startsOn: r.startsOn, endsOn: r.endsOn, createdAt: toIso(r.createdAt), updatedAt: toIso(r.updatedAt) });

export async function listYears(tx: Orm, query: PageQuery) {
  const rows = await tx.select().from(academicYears).orderBy(asc(academicYears.startsOn), asc(academicYears.id)).limit(query.pageSize).offset(offsetOf(query));
  const [total] = await tx.select({ n: count() }).from(academicYears);
  return { data: rows.map(view), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

async function findYear(tx: Orm, id: number, lock = false): Promise<Row> {
  const query = tx.select().from(academicYears).where(eq(academicYears.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound(`Academic year ${id}`);
  return row;
}

export const getYear = async (tx: Orm, id: number): Promise<AcademicYearView> => view(await findYear(tx, id));

/** Names are unique and years may not overlap one another (409). */
async function checkYear(tx: Orm, year: YearBody, exceptId: number): Promise<void> {
  checkRange(year);
  const [clash] = await tx
    .select()
    .from(academicYears)
    .where(
      and(
        ne(academicYears.id, exceptId),
        or(sql`lower(${academicYears.name}) = lower(${year.name})`, and(lte(academicYears.startsOn, year.endsOn), gte(academicYears.endsOn, year.startsOn))),
      ),
    )
    .limit(1);
  if (!clash) return;
  if (clash.name.toLowerCase() === year.name.toLowerCase()) throw conflict(`An academic year named "${clash.name}" already exists`, [{ field: 'body.name', message: 'is taken' }]);
  throw conflict(`The dates overlap academic year ${describeRange(clash)}`, [{ field: 'body.startsOn', message: 'overlaps another academic year' }]);
}

export async function createYear(tx: Orm, actor: AuditActor, body: YearBody): Promise<AcademicYearView> {
  await checkYear(tx, body, 0);
  const [row] = await tx.insert(academicYears).values(body).returning();
  const after = view(row!);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'academic_year', entityId: after.id, after });
  return after;
}

export async function updateYear(tx: Orm, actor: AuditActor, id: number, patch: Partial<YearBody>): Promise<AcademicYearView> {
  const current = await findYear(tx, id, true);
  const next = { name: patch.name ?? current.name, startsOn: patch.startsOn ?? current.startsOn, endsOn: patch.endsOn ?? current.endsOn };
  await checkYear(tx, next, id);
  const children = [
    ...(await tx.select().from(semesters).where(eq(semesters.academicYearId, id))).map((s) => ({ ...s, kind: 'semester' })),
    ...(await tx.select().from(closures).where(eq(closures.academicYearId, id))).map((c) => ({ ...c, kind: 'closure' })),
  ];
  const outside = children.filter((child) => !within(child, next));
  if (outside.length > 0) {
    throw conflict(`The new dates leave ${outside.map((c) => `${c.kind} ${describeRange(c)}`).join(', ')} outside the year`, [
      { field: 'body.startsOn', message: 'must still contain the year’s semesters and closures' },
    ]);
  }
  const [row] = await tx.update(academicYears).set(next).where(eq(academicYears.id, id)).returning();
  const after = view(row!);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'update', entity: 'academic_year', entityId: id, before: view(current), after });
  return after;
}

/** A year that still has semesters or closures is not deleted (409): delete or move them first. */
export async function deleteYear(tx: Orm, actor: AuditActor, id: number): Promise<void> {
  const current = await findYear(tx, id, true);
  const [s] = await tx.select({ n: count() }).from(semesters).where(eq(semesters.academicYearId, id));
  const [c] = await tx.select({ n: count() }).from(closures).where(eq(closures.academicYearId, id));
  if ((s?.n ?? 0) > 0 || (c?.n ?? 0) > 0) {
    throw conflict(`Academic year ${describeRange(current)} still has ${s?.n ?? 0} semester(s) and ${c?.n ?? 0} closure(s); delete them first`);
  }
  await tx.delete(academicYears).where(eq(academicYears.id, id));
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'delete', entity: 'academic_year', entityId: id, before: view(current) });
}
