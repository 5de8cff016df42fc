/** `npm run demo:remove` (CLI command `demo-remove`): removes the demo school and prints what went. */
import type { Database } from '../db/client.js';
import { AppError } from '../http/errors.js';
import type { DemoBlocker } from '../modules/demo/removal.js';
import { removeDemo } from '../modules/demo/removal.js';

/** Removes the demo; returns the process exit code (0 removed or nothing to remove, 1 refused: the blockers are printed). */
export async function removeDemoFromCli(db: Database): Promise<number> {
  try {
    const { removed } = await removeDemo(db.sql, { userId: null, role: 'system', requestId: 'cli:demo-remove' });
    const lines = Object.entries(removed).map(([table, count]) => `  ${table}: ${count}`);
    process.stdout.write(lines.length ? `Demo removed:\n${lines.join('\n')}\n` : 'No demo records to remove\n');
    return 0;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    const { blockers } = error.details as { blockers: DemoBlocker[] };
    const lines = blockers.map((b) => `  ${b.table} ${b.id ?? '?'} (${b.column}) → ${b.references.table} ${b.references.id}`);
    process.stderr.write(`${error.message}:\n${lines.join('\n')}\nNothing was removed.\n`);
    return 1;
  }
}
