import { sqlExecutorOf } from '../../db/orm-sql.js';
import type { SqlExecutor } from '../../db/sql-client.js';
import { notFound, validationFailed } from '../../http/errors.js';
import { offsetOf, type PageQuery } from '../../http/pagination.js';
import { recordAudit, type AuditActor } from '../audit/record.js';
import type { Caller } from '../auth/scoped.js';
import { scoped } from '../lessons/db.js';
import { requireProgressAccess, schoolDay, type ProgressDeps } from './access.js';
import { selectList, type ProgressKind, type ProgressRecord } from './kinds.js';

// Goals, pieces and assessments: list, create, change and delete, for any kind (kinds.ts). Every
// call runs as the caller (row-level security of migration 0028) after the explicit access check;
// every write leaves an audit row in the same transaction.

type Row = ProgressRecord & { id: number; createdAt: Date | string; updatedAt: Date | string };

const toView = <V>(row: Row): V => ({ ...row, createdAt: new Date(row.createdAt).toISOString(), updatedAt: new Date(row.updatedAt).toISOString() }) as V;

/** Only the writable fields of a record, in column order. */
const writable = (kind: ProgressKind, record: ProgressRecord): ProgressRecord => Object.fromEntries(Object.keys(kind.columns).map((field) => [field, record[field] ?? null]));

/** A student's records of `kind`, oldest first (by their own date, then id). */
export async function listRecords<V>(deps: ProgressDeps, kind: ProgressKind, caller: Caller, studentId: number, page: PageQuery) {
  return scoped(deps.db, caller, async (orm) => {
    const sql = sqlExecutorOf(orm);
    await requireProgressAccess(sql, studentId, 'read');
    const rows = await sql.query<Row & { total: number }>(
      `SELECT ${selectList(kind)}, count(*) OVER ()::int AS total FROM ${kind.table} WHERE student_id = $1 ORDER BY ${kind.orderBy} LIMIT $2 OFFSET $3`,
      [studentId, page.pageSize, offsetOf(page)],
    );
    const total = rows[0]?.total ?? (page.page > 1 ? await countOf(sql, kind, studentId) : 0);
    return { data: rows.map(({ total: _total, ...row }) => toView<V>(row as Row)), page: page.page, pageSize: page.pageSize, total };
  });
}

async function countOf(sql: SqlExecutor, kind: ProgressKind, studentId: number): Promise<number> {
  const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${kind.table} WHERE student_id = $1`, [studentId]);
  return row?.n ?? 0;
}

/** Settles defaults and cross-field rules, or throws the 400 naming each field. */
function settled(kind: ProgressKind, record: ProgressRecord, given: ProgressRecord, today: string): ProgressRecord {
  const issues = kind.settle(record, given, today);
  if (issues.length > 0) throw validationFailed(issues);
  return writable(kind, record);
}

export async function createRecord<V>(deps: ProgressDeps, kind: ProgressKind, caller: Caller, actor: AuditActor, studentId: number, body: ProgressRecord): Promise<V> {
  const { today } = await schoolDay(deps);
  return scoped(deps.db, caller, async (orm) => {
    const sql = sqlExecutorOf(orm);
    await requireProgressAccess(sql, studentId, 'write');
    const record = settled(kind, { ...body }, body, today);
    const columns = Object.values(kind.columns);
    const values = Object.values(record);
    const [row] = await sql.query<Row>(
      `INSERT INTO ${kind.table} (student_id, created_by, ${columns.join(', ')})
       VALUES ($1, $2, ${columns.map((_, i) => `$${i + 3}`).join(', ')}) RETURNING ${selectList(kind)}`,
      [studentId, caller.userId, ...values],
    );
    const view = toView<V>(row!);
    await recordAudit(sql, actor, { action: 'create', entity: kind.entity, entityId: row!.id, after: view });
    return view;
  });
}

/** The record `id` of student `studentId`, locked for the change; 404 when there is none. */
async function lockedRecord(sql: SqlExecutor, kind: ProgressKind, studentId: number, id: number): Promise<Row> {
  const [row] = await sql.query<Row>(`SELECT ${selectList(kind)} FROM ${kind.table} WHERE id = $1 AND student_id = $2 FOR UPDATE`, [id, studentId]);
  if (!row) throw notFound(`${kind.label} ${id} of student ${studentId}`);
  return row;
}

export async function patchRecord<V>(deps: ProgressDeps, kind: ProgressKind, caller: Caller, actor: AuditActor, studentId: number, id: number, body: ProgressRecord): Promise<V> {
  const { today } = await schoolDay(deps);
  return scoped(deps.db, caller, async (orm) => {
    const sql = sqlExecutorOf(orm);
    await requireProgressAccess(sql, studentId, 'write');
    const current = await lockedRecord(sql, kind, studentId, id);
    const given = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
    const record = settled(kind, { ...writable(kind, current), ...given }, given, today);
    const assignments = Object.values(kind.columns).map((column, i) => `${column} = $${i + 3}`);
    const [row] = await sql.query<Row>(`UPDATE ${kind.table} SET ${assignments.join(', ')}, updated_at = now() WHERE id = $1 AND student_id = $2 RETURNING ${selectList(kind)}`, [
      id,
      studentId,
      ...Object.values(record),
    ]);
    const view = toView<V>(row!);
    await recordAudit(sql, actor, { action: 'update', entity: kind.entity, entityId: id, before: toView(current), after: view });
    return view;
  });
}

export async function deleteRecord(deps: ProgressDeps, kind: ProgressKind, caller: Caller, actor: AuditActor, studentId: number, id: number): Promise<void> {
  await scoped(deps.db, caller, async (orm) => {
    const sql = sqlExecutorOf(orm);
    await requireProgressAccess(sql, studentId, 'write');
    const [row] = await sql.query<Row>(`DELETE FROM ${kind.table} WHERE id = $1 AND student_id = $2 RETURNING ${selectList(kind)}`, [id, studentId]);
    if (!row) throw notFound(`${kind.label} ${id} of student ${studentId}`);
    await recordAudit(sql, actor, { action: 'delete', entity: kind.entity, entityId: id, before: toView(row) });
  });
}
