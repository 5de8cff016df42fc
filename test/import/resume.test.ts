import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImport } from '../../src/modules/imports/parse.js';
import { createImport, runNextBatch } from '../../src/modules/imports/run.js';
import { CSV_IMPORT_WORKFLOW } from '../../src/modules/imports/workflow.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { familiesCsv } from './fixtures.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  s = await createTestStack();
  admin = await createUser(s.database.db, 'admin');
}, 60_000);
afterAll(async () => {
  await s?.close();
});

describe('csv-import workflow: checkpoint per batch', () => {
  it('goes on after the last committed batch (a worker that died after batch 1) and applies no row twice', async () => {
    const deps = { db: s.database.db, config: s.config };
    const parsed = parseImport('families', familiesCsv(118, 2).csv);
    const importId = await createImport(s.database.db.sql, { kind: 'families', invite: false, adminId: admin.id }, parsed, 'resume.csv');
    const first = await runNextBatch(deps, importId); // what a run did before its worker died
    expect(first).toMatchObject({ processed: 50, total: 120, done: false });

    const { runId } = await s.services.workflows.start(CSV_IMPORT_WORKFLOW, { importId });
    await s.database.db.sql.query('UPDATE imports SET run_id = $2 WHERE id = $1', [importId, runId]);
    expect((await s.engine.waitFor(runId, 240_000)).status).toBe('succeeded');

    const status = (await s.app.inject({ method: 'GET', url: `/api/v1/imports/${importId}`, headers: admin.headers })).json();
    expect(status).toMatchObject({ status: 'completed', counts: { total: 120, processed: 120, created: 118, updated: 0, skipped: 0, errors: 2 } });
    expect(status.errors.map((e: { row: number }) => e.row)).toEqual([25, 50]);
    const [rows] = await s.database.db.sql.query<{ students: number; audits: number; pending: number }>(
      `SELECT (SELECT count(*) FROM students)::int AS students,
              (SELECT count(*) FROM audit_log WHERE entity = 'student' AND request_id = $1)::int AS audits,
              (SELECT jsonb_array_length(pending_rows) FROM imports WHERE id = $2)::int AS pending`,
      [`import:${importId}`, importId],
    );
    expect(rows).toEqual({ students: 118, audits: 118, pending: 0 });
  }, 300_000);
});
