import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { familiesCsv, postImport, tableCounts } from './fixtures.js';

let s: TestStack;
let admin: Awaited<ReturnType<typeof createUser>>;
const counts = () => tableCounts((text) => s.database.db.sql.query(text));

beforeAll(async () => {
  s = await createTestStack();
  admin = await createUser(s.database.db, 'admin');
}, 60_000);
afterAll(async () => {
  await s?.close();
});

async function importAndWait(csv: string) {
  const started = await postImport(s.app, admin.headers, 'kind=families&fileName=families.csv', csv);
  expect(started.statusCode, started.body).toBe(202);
  const { importId, runId } = started.json() as { importId: number; runId: string };
  const run = await s.engine.waitFor(runId, 240_000);
  expect(run.status).toBe('succeeded');
  const status = await s.app.inject({ method: 'GET', url: `/api/v1/imports/${importId}`, headers: admin.headers });
  expect(status.statusCode).toBe(200);
  return status.json();
}

describe('families import: 500 families, 20 bad rows', () => {
  const { csv, badColumns } = familiesCsv(480, 20);

  it('dry run reports every row and changes nothing', async () => {
    const before = await counts();
    const res = await postImport(s.app, admin.headers, 'kind=families&dryRun=true', csv);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.totals).toEqual({ total: 500, created: 480, updated: 0, skipped: 0, errors: 20 });
    const errorRows = body.rows.filter((r: { outcome: string }) => r.outcome === 'error');
    expect(new Map(errorRows.map((r: { row: number; errors: Array<{ column: string }> }) => [r.row, r.errors[0]!.column]))).toEqual(badColumns);
    expect(await counts()).toEqual(before);
  }, 240_000);

  it('imports 480 families with 20 row errors naming their column; the same file again changes nothing', async () => {
    const before = await counts();
    const first = await importAndWait(csv);
    expect(first.status).toBe('completed');
    expect(first.counts).toEqual({ total: 500, processed: 500, created: 480, updated: 0, skipped: 0, errors: 20 });
    expect(new Map(first.errors.map((r: { row: number; errors: Array<{ column: string }> }) => [r.row, r.errors[0]!.column]))).toEqual(badColumns);
    const [families] = await s.database.db.sql.query<{ parents: number; students: number }>(
      `SELECT (SELECT count(*) FROM users WHERE email LIKE '%@families.test' AND role = 'parent')::int AS parents,
              (SELECT count(*) FROM students s JOIN users u ON u.id = s.parent_id WHERE u.email LIKE '%@families.test')::int AS students`,
    );
    expect(families).toEqual({ parents: 480, students: 480 });
    const after = await counts();
    expect((after.users ?? 0) - (before.users ?? 0)).toBe(480);
    expect(after.outbox).toBe(before.outbox); // no invitation without ?invite=true

    const second = await importAndWait(csv);
    expect(second.counts).toEqual({ total: 500, processed: 500, created: 0, updated: 0, skipped: 480, errors: 20 });
    expect(await counts()).toEqual(after);
  }, 480_000);
});
