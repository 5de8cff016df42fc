import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { progressReportCase } from '../bench/ai-workflows/progress-report.case.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack({});
}, 60_000);
afterAll(async () => stack?.close());

it('the bench case runs to the approval', { timeout: 60_000 }, async () => {
  const admin = await createUser(stack.database.db, 'admin');
  for (let i = 0; i < 3; i++) {
    const ctx = { app: stack.app, stack, adminHeaders: admin.headers, i };
    await progressReportCase.prepare(ctx);
    await progressReportCase.run(ctx);
  }
  const rows = await stack.database.db.sql.query(`SELECT id FROM approvals WHERE kind = 'progress-report' AND status = 'pending'`);
  expect(rows).toHaveLength(3);
});
