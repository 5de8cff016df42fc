/** Checks that the records a new task links to exist: an unknown one is a 400 naming the field, before anything is written. */
import type { SqlExecutor } from '../../db/sql-client.js';
import { validationFailed } from '../../http/errors.js';
import type { TaskLinks } from './tasks.js';

const tables: Record<keyof TaskLinks, string> = {
  userId: 'users',
  studentId: 'students',
  paymentId: 'payments',
  runId: 'workflow_runs',
  approvalId: 'approvals',
};

export async function checkTaskLinks(sql: SqlExecutor, links: TaskLinks): Promise<void> {
  const missing: string[] = [];
  for (const [field, table] of Object.entries(tables) as Array<[keyof TaskLinks, string]>) {
    const value = links[field];
    if (value === undefined || value === null) continue;
    const found = await sql.query(`SELECT 1 FROM ${table} WHERE id = $1`, [value]);
    if (found.length === 0) missing.push(field);
  }
  if (missing.length > 0) throw validationFailed(missing.map((field) => ({ field: `body.${field}`, message: 'does not exist' })));
}
