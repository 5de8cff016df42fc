/**
 * The shortcuts of a quick start (the timings themselves are in startup.ts, a benchmark): the seed
 * check that lets a second start skip the seed, and an empty embedded database started as a copy
 * of a migrated image instead of a new cluster. The image tests use PGlite on disk whatever
 * TEST_DATABASE_URL says.
 */
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { type MigratedImage, seedIsComplete, startFromImage, writeMigratedImage } from '../../src/runtime/database.js';
import { seedDatabase } from '../../src/seed/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const seed = { adminEmail: 'Admin@School.Example', timezone: 'America/Halifax' };

/** Rows a seed may write, to show that a complete seed writes nothing. */
async function seededRows(t: TestDatabase): Promise<string> {
  const [row] = await t.db.sql.query<{ users: number; settings: number; teachers: number; students: number }>(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM settings) AS settings,
            (SELECT count(*) FROM teachers) AS teachers, (SELECT count(*) FROM students) AS students`,
  );
  return JSON.stringify(row);
}

describe('the seed check of a second start', () => {
  let t: TestDatabase;
  afterEach(async () => t?.dispose());

  it('is incomplete on an empty database and complete after the seed, which then writes nothing', async () => {
    t = await createTestDatabase();
    for (const demo of [false, true]) {
      expect(await seedIsComplete(t.db, { ...seed, demo })).toBe(false);
    }
    await seedDatabase(t.db, { ...seed, demo: false });
    expect(await seedIsComplete(t.db, { ...seed, demo: false })).toBe(true);
    expect(await seedIsComplete(t.db, { ...seed, demo: true })).toBe(false); // the demo school is not there yet

    await seedDatabase(t.db, { ...seed, demo: true });
    expect(await seedIsComplete(t.db, { ...seed, demo: true })).toBe(true);
    const before = await seededRows(t);
    const again = await seedDatabase(t.db, { ...seed, demo: true });
    expect(again).toEqual({ adminCreated: false, demoSeeded: false });
    expect(await seededRows(t)).toBe(before);
  });

  it('is incomplete when a default setting or the admin is missing, as seedDatabase would add it', async () => {
    t = await createTestDatabase();
    await seedDatabase(t.db, { ...seed, demo: false });
    await t.db.sql.query(`DELETE FROM settings WHERE key = 'bufferMinutes'`);
    expect(await seedIsComplete(t.db, { ...seed, demo: false })).toBe(false);
    await seedDatabase(t.db, { ...seed, demo: false });
    expect(await seedIsComplete(t.db, { ...seed, demo: false })).toBe(true);

    expect(await seedIsComplete(t.db, { ...seed, adminEmail: 'other@school.example', demo: false })).toBe(false);
  });

  it('treats a school whose demo data was deleted as seeded (the demo is never brought back)', async () => {
    t = await createTestDatabase();
    await seedDatabase(t.db, { ...seed, demo: true });
    await t.db.sql.exec('TRUNCATE lessons, students, teachers CASCADE');
    expect(await seedIsComplete(t.db, { ...seed, demo: true })).toBe(true);
    const again = await seedDatabase(t.db, { ...seed, demo: true });
    expect(again.demoSeeded).toBe(false);
  });
});

describe('an empty embedded database started as a copy of the migrated image', () => {
  let folder: string;
  let image: MigratedImage;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'ch-image-'));
    image = { dir: path.join(folder, 'image'), key: path.join(folder, 'image.key') };
    const made = await writeMigratedImage({ image, prepare: (db) => db.sql.exec('CREATE TABLE made_by_prepare ()') });
    expect(made.written).toBe(true);
  }, 180_000);
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  const open = (dataDir: string) => openDatabase({ kind: 'pglite', dataDir });

  it('is kept while its key matches', async () => {
    expect((await writeMigratedImage({ image })).written).toBe(false);
  });

  it('is migrated and prepared without running anything, and a later start keeps its own data', { timeout: 180_000 }, async () => {
    const dataDir = path.join(folder, 'school');
    expect(await startFromImage(dataDir, image)).toBe(true);
    const db = await open(dataDir);
    try {
      const result = await migrate(db.sql);
      expect(result.applied).toEqual([]);
      expect(result.alreadyApplied).toBeGreaterThan(10);
      expect(await db.sql.query(`SELECT to_regclass('made_by_prepare') IS NOT NULL AS made`)).toEqual([{ made: true }]);
      await db.sql.query(`INSERT INTO settings (key, value) VALUES ('kept', '1'::jsonb)`);
    } finally {
      await db.close();
    }

    expect(await startFromImage(dataDir, image)).toBe(false); // not empty: never replaced
    const reopened = await open(dataDir);
    try {
      expect(await reopened.sql.query(`SELECT key FROM settings WHERE key = 'kept'`)).toEqual([{ key: 'kept' }]);
    } finally {
      await reopened.close();
    }
  });

  it('is not used when its key does not match, or when it cannot be copied', async () => {
    const key = await readFile(image.key, 'utf8');
    try {
      await writeFile(image.key, 'made from other migrations\n');
      expect(await startFromImage(path.join(folder, 'other'), image)).toBe(false);
    } finally {
      await writeFile(image.key, key);
    }

    await rename(image.dir, `${image.dir}.away`);
    try {
      const dataDir = path.join(folder, 'damaged');
      expect(await startFromImage(dataDir, image)).toBe(false);
      expect(await readdir(path.join(dataDir, 'pglite')).catch(() => [])).toEqual([]); // left empty for PGlite to create
    } finally {
      await rename(`${image.dir}.away`, image.dir);
    }
  });
});
