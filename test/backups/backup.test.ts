import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { createBackup, readManifest, verifyBackup, writeManifest, type BackupSource } from '../../src/modules/backups/archive.js';
import { countRows } from '../../src/modules/backups/counts.js';
import { listBackups, pruneBackups } from '../../src/modules/backups/prune.js';
import { restoreBackup, RestoreRefused } from '../../src/modules/backups/restore.js';
import { DATABASE_BACKUP_WORKFLOW } from '../../src/modules/backups/workflow.js';
import { createUser } from '../helpers/app.js';
import { createEmptyTestDatabase, createTestDatabase } from '../helpers/db.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';

// Backups of the database the tests run on (PGlite, or PostgreSQL with TEST_DATABASE_URL): made,
// verified by restoring into a scratch database, restored, pruned, and made by the scheduled workflow.

let s: TestStack;
let dir: string;
let scheduledDir: string;
let source: BackupSource;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cedar-backups-'));
  scheduledDir = await mkdtemp(path.join(tmpdir(), 'cedar-scheduled-'));
  // The workflow backs up the configured database: on PostgreSQL, DATABASE_URL names the test's own.
  const database = await createTestDatabase();
  s = await createTestStack({ database, env: { BACKUP_DIR: scheduledDir, BACKUP_KEEP: '2', ...(database.url ? { DATABASE_URL: database.url } : {}) } });
  source = s.database.url ? { kind: 'postgres', url: s.database.url } : { kind: 'pglite', db: s.database.db };
  for (const role of ['parent', 'parent', 'teacher'] as const) await createUser(s.database.db, role);
}, 120_000);

afterAll(async () => {
  await s?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(scheduledDir, { recursive: true, force: true });
});

describe('a backup', () => {
  it('holds every row: the manifest counts the same snapshot, and a scratch restore finds the same counts', async () => {
    const live = await countRows(s.database.db.sql);
    const { path: file, manifest } = await createBackup(source, dir);
    expect(manifest.kind).toBe(source.kind);
    expect(manifest.tables['public.users']).toBe(live['public.users']);
    expect(manifest.tables['public.users']).toBeGreaterThanOrEqual(3);
    expect(manifest.bytes).toBeGreaterThan(0);
    const verification = await verifyBackup(file, s.database.url);
    expect(verification).toMatchObject({ ok: true, mismatches: [] });
    expect((await readManifest(file)).verification?.ok).toBe(true);
  }, 120_000);

  it('fails verification when the file was changed or its rows differ from the manifest', async () => {
    const { path: file, manifest } = await createBackup(source, dir, new Date('2027-01-04T07:00:00Z'));
    await writeManifest(file, { ...manifest, tables: { ...manifest.tables, 'public.users': manifest.tables['public.users']! + 1 } });
    const miscounted = await verifyBackup(file, s.database.url);
    expect(miscounted.ok).toBe(false);
    expect(miscounted.mismatches).toEqual([{ table: 'public.users', expected: manifest.tables['public.users']! + 1, actual: manifest.tables['public.users'] }]);

    const bytes = await readFile(file);
    const at = bytes.length - 10;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    await writeFile(file, bytes);
    const changed = await verifyBackup(file, s.database.url);
    expect(changed).toMatchObject({ ok: false, error: expect.stringMatching(/checksum/) });
  }, 120_000);

  it('keeps the newest BACKUP_KEEP verified backups and whatever is newer than them', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'cedar-prune-'));
    try {
      const made = [
        ['20270101T030000Z', true],
        ['20270104T030000Z', false],
        ['20270102T030000Z', false],
        ['20270103T030000Z', true],
        ['20270105T030000Z', true],
      ] as const;
      for (const [at, ok] of made) {
        const name = `cedar-pglite-${at}.tar.gz`;
        await writeFile(path.join(scratch, name), 'x');
        await writeFile(path.join(scratch, `${name}.json`), JSON.stringify({ verification: { ok } }));
      }
      await writeFile(path.join(scratch, 'notes.txt'), 'not a backup');
      expect(await pruneBackups(scratch, 4)).toEqual([]);
      const deleted = await pruneBackups(scratch, 2);
      expect(deleted.map((f) => path.basename(f))).toEqual(['cedar-pglite-20270101T030000Z.tar.gz', 'cedar-pglite-20270102T030000Z.tar.gz']);
      expect((await readdir(scratch)).filter((f) => !f.endsWith('.json'))).toEqual([
        'cedar-pglite-20270103T030000Z.tar.gz',
        'cedar-pglite-20270104T030000Z.tar.gz',
        'cedar-pglite-20270105T030000Z.tar.gz',
        'notes.txt',
      ]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

describe('the database-backup workflow', () => {
  it('backs up, verifies and prunes to BACKUP_KEEP (2)', async () => {
    const older = path.join(scheduledDir, 'cedar-pglite-20200101T030000Z.tar.gz');
    await writeFile(older, 'an old backup');
    await writeFile(`${older}.json`, JSON.stringify({ verification: { ok: true } }));
    for (let i = 0; i < 2; i += 1) {
      const { run: started } = await s.engine.start(DATABASE_BACKUP_WORKFLOW, {}, { idempotencyKey: `backup-test-${i}` });
      const run = await s.engine.waitFor(started.id, 120_000);
      expect(run.status, JSON.stringify(run.error ?? null)).toBe('succeeded');
      // Backups are named by the second: the next run must not reuse this one's name.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    const kept = await listBackups(scheduledDir);
    expect(kept).toHaveLength(2);
    expect(kept).not.toContain(older);
    for (const file of kept) expect((await readManifest(file)).verification?.ok).toBe(true);
  }, 300_000);
});

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('restoring an embedded backup', () => {
  it('replaces the files under DATA_DIR, keeping the previous ones aside; refuses an open database', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cedar-restore-'));
    try {
      const { path: file, manifest } = await createBackup(source, dir, new Date('2027-02-01T03:00:00Z'));
      const open = await openDatabase({ kind: 'pglite', dataDir });
      await expect(restoreBackup({ kind: 'pglite', dataDir }, file)).rejects.toBeInstanceOf(RestoreRefused);
      await open.close();
      const { previous } = await restoreBackup({ kind: 'pglite', dataDir }, file);
      expect(previous).toMatch(/before-restore/);
      const restored = await openDatabase({ kind: 'pglite', dataDir });
      try {
        expect(await countRows(restored.sql)).toEqual(manifest.tables);
      } finally {
        await restored.close();
      }
      await expect(restoreBackup({ kind: 'postgres', url: 'postgresql://127.0.0.1/none' }, file)).rejects.toThrow(/embedded/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('restoring a PostgreSQL backup', () => {
  it('fills another database with the same rows (pg_restore in one transaction)', async () => {
    const { path: file, manifest } = await createBackup(source, dir, new Date('2027-03-01T03:00:00Z'));
    const target = await createEmptyTestDatabase();
    try {
      await restoreBackup({ kind: 'postgres', url: target.url! }, file);
      expect(await countRows(target.db.sql)).toEqual(manifest.tables);
      await expect(restoreBackup({ kind: 'pglite', dataDir: dir }, file)).rejects.toThrow(/PostgreSQL backup/);
    } finally {
      await target.dispose();
    }
  }, 120_000);
});
