import { and, asc, count, eq, gte, lte, ne, type SQL } from 'drizzle-orm';
import type { Orm } from '../../db/client.js';
import { academicYears, closures } from '../../db/schema/academics.js';
import { conflict, notFound, validationFailed } from '../../http/errors.js';
import { offsetOf, type PageQuery } from '../../http/pagination.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { toIso } from '../records/common.js';
import { checkRange, describeRange, within, type DayRange } from './range.js';
import type { ClosureBody, ClosureView } from './schemas.js';
import { sqlExecutorOf } from '../../db/orm-sql.js';

type Row = typeof closures.$inferSelect;
const view = (r: Row): ClosureView => ({
  id: r.id,
  academicYearId: r.academicYearId,
  name: r.name,
  startsOn: r.startsOn,
  endsOn: r.endsOn,
  createdAt: toIso(r.createdAt),
  updatedAt: toIso(r.updatedAt),
});

export interface ClosureFilter extends PageQuery {
  from?: string | undefined;
  to?: string | undefined;
  academicYearId?: number | undefined;
}

/** Closures touching [from, to] (either end optional), earliest first. */
export async function listClosures(tx: Orm, query: ClosureFilter) {
  const conditions: SQL[] = [];
  if (query.from) conditions.push(gte(closures.endsOn, query.from));
  if (query.to) conditions.push(lte(closures.startsOn, query.to));
  if (query.academicYearId) conditions.push(eq(closures.academicYearId, query.academicYearId));
  const where = and(...conditions);
  const rows = await tx.select().from(closures).where(where).orderBy(asc(closures.startsOn), asc(closures.id)).limit(query.pageSize).offset(offsetOf(query));
  const [total] = await tx.select({ n: count() }).from(closures).where(where);
  return { data: rows.map(view), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

async function findClosure(tx: Orm, id: number, lock = false): Promise<Row> {
  const query = tx.select().from(closures).where(eq(closures.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound(`Closure ${id}`);
  return row;
}

export const getClosure = async (tx: Orm, id: number): Promise<ClosureView> => view(await findClosure(tx, id));

/**
 * The academic year of a closure: the given one (it must exist and hold the dates, 400), none when
 * null, or — when omitted — the year that holds the dates, if any.
 */
async function yearFor(tx: Orm, range: DayRange, academicYearId: number | null | undefined): Promise<number | null> {
  if (academicYearId === null) return null;
  if (academicYearId === undefined) {
    const [holder] = await tx
      .select({ id: academicYears.id })
      .from(academicYears)
      .where(and(lte(academicYears.startsOn, range.startsOn), gte(academicYears.endsOn, range.endsOn)))
      .limit(1);
    return holder?.id ?? null;
  }
  const [year] = await tx.select().from(academicYears).where(eq(academicYears.id, academicYearId)).for('share');
  if (!year) throw validationFailed([{ field: 'body.academicYearId', message: `academic year ${academicYearId} does not exist` }]);
  if (!within(range, year)) {
    const field = range.startsOn < year.startsOn ? 'body.startsOn' : 'body.endsOn';
    throw validationFailed([{ field, message: `the closure must lie within academic year ${describeRange(year)}` }]);
  }
  return year.id;
}

/**
 * 409 when another closure has the same name and first day (the table's unique key; two requests
 * racing past this check still get a 409, from the key itself).
 */
async function refuseDuplicate(tx: Orm, closure: { name: string; startsOn: string }, exceptId?: number): Promise<void> {
  const same = and(eq(closures.name, closure.name), eq(closures.startsOn, closure.startsOn), exceptId === undefined ? undefined : ne(closures.id, exceptId));
  const [clash] = await tx.select({ id: closures.id }).from(closures).where(same).limit(1);
  if (clash) {
    throw conflict(`Closure "${closure.name}" starting ${closure.startsOn} already exists (id ${clash.id})`, [{ field: 'body.name', message: 'is taken for this start date' }]);
  }
}

export async function createClosure(tx: Orm, actor: AuditActor, body: ClosureBody): Promise<ClosureView> {
  checkRange(body);
  await refuseDuplicate(tx, body);
  const academicYearId = await yearFor(tx, body, body.academicYearId);
  const [row] = await tx.insert(closures).values({ name: body.name, startsOn: body.startsOn, endsOn: body.endsOn, academicYearId }).returning();
  const after = view(row!);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'create', entity: 'closure', entityId: after.id, after });
  return after;
}

export async function updateClosure(tx: Orm, actor: AuditActor, id: number, patch: Partial<ClosureBody>): Promise<ClosureView> {
  const current = await findClosure(tx, id, true);
  const next = { name: patch.name ?? current.name, startsOn: patch.startsOn ?? current.startsOn, endsOn: patch.endsOn ?? current.endsOn };
  checkRange(next);
  await refuseDuplicate(tx, next, id);
  const academicYearId = await yearFor(tx, next, patch.academicYearId === undefined ? current.academicYearId : patch.academicYearId);
  const [row] = await tx
    .update(closures)
    .set({ ...next, academicYearId })
    .where(eq(closures.id, id))
    .returning();
  const after = view(row!);
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'update', entity: 'closure', entityId: id, before: view(current), after });
  return after;
}

export async function deleteClosure(tx: Orm, actor: AuditActor, id: number): Promise<void> {
  const current = await findClosure(tx, id, true);
  await tx.delete(closures).where(eq(closures.id, id));
  await recordAudit(sqlExecutorOf(tx), actor, { action: 'delete', entity: 'closure', entityId: id, before: view(current) });
}
