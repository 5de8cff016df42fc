/**
 * The family's sources are one list: a source added to it shows up in the zip, its README and the
 * status counts; a source that fails makes the export `failed` (no archive, download 409) after the
 * build's retries, instead of a half-made zip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowRegistry } from '../../src/engine/index.js';
import { buildNotificationWorkflow } from '../../src/modules/notifications/workflows/notification.js';
import { familySources } from '../../src/modules/privacy/exports/sources.js';
import { buildPrivacyExportWorkflow } from '../../src/modules/privacy/exports/workflow.js';
import { createUser } from '../helpers/app.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { readZip } from './export-fixture.js';

const WAIT_MS = 60_000;

const extraSource = {
  name: 'extra_records',
  description: 'Records of a module added later.',
  // Fails (division by zero) for a user named "Broken": a source that cannot be read.
  sql: `SELECT u.id, 'added for ' || u.first_name AS what, 1 / (CASE WHEN u.first_name = 'Broken' THEN 0 ELSE 1 END) AS one FROM users u WHERE u.id = $1`,
};

describe('privacy export sources', () => {
  let stack: TestStack;
  let admin: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    stack = await createTestStack({
      registry: (services) => {
        const registry = new WorkflowRegistry();
        registry.register(buildNotificationWorkflow(services));
        registry.register(buildPrivacyExportWorkflow(services, { sources: [...familySources, extraSource] }));
        return registry;
      },
    });
    admin = await createUser(stack.database.db, 'admin');
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  const exportOf = async (userId: number): Promise<{ exportId: number; status: string }> => {
    const res = await stack.app.inject({ method: 'POST', url: '/api/v1/privacy/exports', headers: admin.headers, payload: { userId } });
    expect(res.statusCode, res.body).toBe(202);
    const { exportId, runId } = res.json();
    return { exportId, status: (await stack.engine.waitFor(runId, WAIT_MS)).status };
  };

  it('writes a source appended to the list as JSON and CSV, in README.txt and the counts', async () => {
    const parent = await createUser(stack.database.db, 'parent', { firstName: 'Added' });
    const { exportId, status } = await exportOf(parent.id);
    expect(status).toBe('waiting');
    const view = (await stack.app.inject({ method: 'GET', url: `/api/v1/privacy/exports/${exportId}`, headers: admin.headers })).json();
    expect(view.files).toMatchObject({ 'extra_records.json': 1, 'extra_records.csv': 1 });
    const download = await stack.app.inject({ method: 'GET', url: `/api/v1/privacy/exports/${exportId}/download`, headers: admin.headers });
    const files = await readZip(download.rawPayload);
    expect(JSON.parse(files.get('extra_records.json')!)).toEqual([{ id: parent.id, what: 'added for Added', one: 1 }]);
    expect(files.get('extra_records.csv')).toBe(`id,what,one\n${parent.id},added for Added,1\n`);
    expect(files.get('README.txt')).toContain('extra_records.json / extra_records.csv (1): Records of a module added later.');
  });

  it('marks the export failed when a source cannot be read, with no archive', async () => {
    const parent = await createUser(stack.database.db, 'parent', { firstName: 'Broken' });
    const { exportId, status } = await exportOf(parent.id);
    expect(status).toBe('failed');
    const view = (await stack.app.inject({ method: 'GET', url: `/api/v1/privacy/exports/${exportId}`, headers: admin.headers })).json();
    expect(view).toMatchObject({ status: 'failed', downloadUrl: null, bytes: null });
    expect(view.error).toBe('The export could not be made; ask for a new one');
    const [stored] = await stack.database.db.sql.query<{ error: string }>('SELECT error FROM privacy_exports WHERE id = $1', [exportId]);
    expect(stored?.error).toMatch(/division by zero/);
    const download = await stack.app.inject({ method: 'GET', url: `/api/v1/privacy/exports/${exportId}/download`, headers: admin.headers });
    expect(download.statusCode).toBe(409);
    const [row] = await stack.database.db.sql.query<{ archive: unknown }>('SELECT archive FROM privacy_exports WHERE id = $1', [exportId]);
    expect(row?.archive).toBeNull();
  }, 60_000);
});
