/**
 * Follow-up tasks of the office: made by hand (POST /api/v1/tasks) or by workflows (an approval
 * that expired, "call the family"). Every creation and change is audited (entity `task`). A task
 * made by a workflow carries a `sourceKey`, so a node that runs again creates it once.
 */
import type { SqlExecutor } from '../../db/sql-client.js';
import { recordAudit, type AuditActor } from '../audit/record.js';

export const taskStatuses = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export interface TaskLinks {
  /** The family's parent (or any user the task is about). */
  userId?: number | null;
  studentId?: number | null;
  paymentId?: number | null;
  runId?: string | null;
  approvalId?: number | null;
}

export interface NewTask extends TaskLinks {
  title: string;
  details?: string;
  /** Local date 'YYYY-MM-DD' (school zone). */
  dueOn?: string | null;
}

export interface TaskRow {
  id: number;
  title: string;
  details: string;
  dueOn: string | null;
  status: TaskStatus;
  userId: number | null;
  studentId: number | null;
  paymentId: number | null;
  runId: string | null;
  approvalId: number | null;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const columns = `id, title, details, to_char(due_on, 'YYYY-MM-DD') AS "dueOn", status, user_id AS "userId", student_id AS "studentId",
  payment_id AS "paymentId", run_id AS "runId", approval_id AS "approvalId", created_by AS "createdBy",
  ${iso('created_at')} AS "createdAt", ${iso('updated_at')} AS "updatedAt", ${iso('closed_at')} AS "closedAt"`;

/** Creates a task (audited with `actor`); with `sourceKey`, at most one task per key (the existing one is returned). */
export async function createTask(sql: SqlExecutor, actor: AuditActor, task: NewTask, sourceKey?: string): Promise<TaskRow> {
  const [inserted] = await sql.query<TaskRow>(
    `INSERT INTO tasks (title, details, due_on, user_id, student_id, payment_id, run_id, approval_id, source_key, created_by)
     VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (source_key) DO NOTHING RETURNING ${columns}`,
    [
      task.title,
      task.details ?? '',
      task.dueOn ?? null,
      task.userId ?? null,
      task.studentId ?? null,
      task.paymentId ?? null,
      task.runId ?? null,
      task.approvalId ?? null,
      sourceKey ?? null,
      actor.userId,
    ],
  );
  if (!inserted) return (await sql.query<TaskRow>(`SELECT ${columns} FROM tasks WHERE source_key = $1`, [sourceKey]))[0]!;
  await recordAudit(sql, actor, { action: 'create', entity: 'task', entityId: inserted.id, after: inserted });
  return inserted;
}

export async function taskById(sql: SqlExecutor, id: number, options: { lock?: boolean } = {}): Promise<TaskRow | undefined> {
  const [row] = await sql.query<TaskRow>(`SELECT ${columns} FROM tasks WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`, [id]);
  return row;
}

export interface TaskFilter {
  status?: TaskStatus | undefined;
  userId?: number | undefined;
  paymentId?: number | undefined;
  approvalId?: number | undefined;
  limit: number;
  offset: number;
}

/** Tasks, open ones by due date first (no date last), then newest. */
export async function listTasks(sql: SqlExecutor, f: TaskFilter): Promise<{ rows: TaskRow[]; total: number }> {
  const where = `WHERE ($1::text IS NULL OR status = $1) AND ($2::int IS NULL OR user_id = $2) AND ($3::int IS NULL OR payment_id = $3) AND ($4::int IS NULL OR approval_id = $4)`;
  const params = [f.status ?? null, f.userId ?? null, f.paymentId ?? null, f.approvalId ?? null];
  const rows = await sql.query<TaskRow>(`SELECT ${columns} FROM tasks ${where} ORDER BY (status = 'open') DESC, due_on NULLS LAST, id DESC LIMIT $5 OFFSET $6`, [
    ...params,
    f.limit,
    f.offset,
  ]);
  const [count] = await sql.query<{ total: number }>(`SELECT count(*)::int AS total FROM tasks ${where}`, params);
  return { rows, total: count?.total ?? 0 };
}

export interface TaskChange {
  title?: string | undefined;
  details?: string | undefined;
  dueOn?: string | null | undefined;
  status?: TaskStatus | undefined;
}

/** Applies `change` to task `id` (audited); undefined when there is no such task. */
export async function updateTask(sql: SqlExecutor, actor: AuditActor, id: number, change: TaskChange): Promise<TaskRow | undefined> {
  const before = await taskById(sql, id, { lock: true });
  if (!before) return undefined;
  const [after] = await sql.query<TaskRow>(
    `UPDATE tasks SET title = coalesce($2, title), details = coalesce($3, details),
       due_on = CASE WHEN $4::boolean THEN $5::date ELSE due_on END, status = coalesce($6, status),
       closed_at = CASE WHEN coalesce($6, status) = 'open' THEN NULL WHEN status = 'open' THEN now() ELSE closed_at END
     WHERE id = $1 RETURNING ${columns}`,
    [id, change.title ?? null, change.details ?? null, change.dueOn !== undefined, change.dueOn ?? null, change.status ?? null],
  );
  await recordAudit(sql, actor, { action: 'update', entity: 'task', entityId: id, before, after });
  return after;
}
