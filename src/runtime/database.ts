import { createHash } from 'node:crypto';
import { constants, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { openDatabase, pgliteLocation, type Database } from '../db/client.js';
import { migrate, migrationsDir, migrationsFingerprint } from '../db/migrate.js';
import { DEMO_MARKER_KEY, defaultSettings } from '../modules/settings/defaults.js';
import { seedDatabase } from '../seed/index.js';

export interface PreparedDatabase {
  db: Database;
  migrationsApplied: string[];
  /** Set only on the start that created the admin without ADMIN_PASSWORD; print it once. */
  generatedAdminPassword: string | undefined;
  /** How long each step took (milliseconds), and whether the database started from the build's image. */
  timings: { openMs: number; migrateMs: number; seedMs: number; fromImage: boolean };
}

/**
 * Opens the configured database, applies pending migrations and ensures the seed. An empty embedded
 * database starts as a copy of the build's migrated image when it matches (`startFromImage`); on a
 * database that is already migrated and seeded this costs one query for each.
 */
export async function prepareDatabase(config: AppConfig, options: { seed: boolean }): Promise<PreparedDatabase> {
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = Math.round(now - mark);
    mark = now;
    return ms;
  };
  const target = config.database;
  const fromImage = target.kind === 'pglite' && (await startFromImage(target.dataDir));
  const db = await openDatabase(target);
  const openMs = lap();
  try {
    const { applied } = await migrate(db.sql);
    const migrateMs = lap();
    let generatedAdminPassword: string | undefined;
    if (options.seed) {
      const seed = {
        adminEmail: config.admin.email,
        adminPassword: config.admin.password,
        timezone: config.schoolTimezone,
        demo: config.seedDemo,
      };
      if (!(await seedIsComplete(db, seed))) generatedAdminPassword = (await seedDatabase(db, seed)).generatedAdminPassword;
    }
    const timings = { openMs, migrateMs, seedMs: lap(), fromImage };
    return { db, migrationsApplied: applied, generatedAdminPassword, timings };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/**
 * True when `seedDatabase` would change nothing: the admin exists, every default setting exists,
 * and the demo is off or not wanted (the school has teachers or students, or was demo-seeded
 * before). These are exactly the conditions under which `seedDatabase` (src/seed/index.ts) writes
 * nothing; one query without its lock, since a concurrent seeder can only complete the seed.
 */
export async function seedIsComplete(db: Database, seed: { adminEmail: string; timezone: string; demo: boolean }): Promise<boolean> {
  const email = seed.adminEmail.trim().toLowerCase();
  const keys = Object.keys(defaultSettings({ timezone: seed.timezone, email }));
  const [row] = await db.sql.query<{ complete: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = $1)
        AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text($2::jsonb) AS wanted (key)
                         WHERE NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = wanted.key))
        AND (NOT $3::boolean
             OR EXISTS (SELECT 1 FROM teachers)
             OR EXISTS (SELECT 1 FROM students)
             OR EXISTS (SELECT 1 FROM settings WHERE key = $4)) AS complete`,
    [email, JSON.stringify(keys), seed.demo, DEMO_MARKER_KEY],
  );
  return row?.complete === true;
}

/** Where the build keeps the migrated PGlite image and the key it was made under. */
export interface MigratedImage {
  /** A PGlite data directory: created, migrated, checkpointed and cleanly shut down. */
  dir: string;
  /** A file holding `imageKey()` of the sources and PGlite the directory was made from. */
  key: string;
}

/** The build's image (`scripts/build.mjs`), beside the migrations it was made from. */
export const migratedImage: MigratedImage = {
  dir: path.join(migrationsDir, '..', 'pglite-migrated'),
  key: path.join(migrationsDir, '..', 'pglite-migrated.key'),
};

/** The installed version of `name`: an image holds what PGlite (and the queue) wrote. */
function packageVersion(name: string): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === name && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // no package.json at this level
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the version of ${name}`);
    dir = parent;
  }
}

/**
 * What an image must have been made from: this image format, these migration files, and the
 * PGlite and pg-boss that wrote its data files and its queue schema.
 */
async function imageKey(): Promise<string> {
  return createHash('sha256')
    .update(`directory image 1\0pglite ${packageVersion('@electric-sql/pglite')}\0pg-boss ${packageVersion('pg-boss')}\0migrations ${await migrationsFingerprint()}`)
    .digest('hex');
}

/** The key an image was made under, or '' when there is none. */
async function readKey(image: MigratedImage): Promise<string> {
  try {
    return (await readFile(image.key, 'utf8')).trim();
  } catch {
    return '';
  }
}

/** The names in `dir`, none when it does not exist. */
async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Copies the tree `from` to `to`, every file at once (the copies run off the main thread). */
async function copyTree(from: string, to: string): Promise<void> {
  const files: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    await mkdir(path.join(to, relative), { recursive: true });
    for (const entry of await readdir(path.join(from, relative), { withFileTypes: true })) {
      const name = path.join(relative, entry.name);
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile()) files.push(name);
      else throw new Error(`the image holds ${name}, neither a file nor a directory`);
    }
  };
  await walk('');
  // A copy-on-write clone where the file system offers one, a copy elsewhere.
  await Promise.all(files.map((name) => copyFile(path.join(from, name), path.join(to, name), constants.COPYFILE_FICLONE)));
}

/**
 * Makes an embedded database that holds nothing yet a copy of `image` when the image matches the
 * installed PGlite and the current migrations (a cold copy of a cleanly shut down cluster, as
 * PostgreSQL allows); PGlite then opens it as an existing database and `migrate` finds nothing to
 * do. Returns false, leaving the directory empty, when there is no matching image or the copy
 * fails: PGlite then creates the cluster and `migrate` applies every migration.
 */
export async function startFromImage(dataDir: string, image: MigratedImage = migratedImage): Promise<boolean> {
  const location = pgliteLocation(dataDir);
  if (location === 'memory://') return false;
  if ((await namesIn(location)).length > 0) return false;
  const stored = await readKey(image);
  if (!stored || stored !== (await imageKey().catch(() => ''))) return false;
  try {
    await copyTree(image.dir, location);
    return true;
  } catch {
    await rm(location, { recursive: true, force: true }); // empty before the copy
    return false;
  }
}

/**
 * Makes the migrated image (run by the build): creates a PGlite database in a scratch directory,
 * migrates it, runs `prepare` on it (the build starts the pg-boss queue once, so that its schema is
 * in the image too), checkpoints it and shuts it down, then puts it in place. Keeps an image whose
 * key still matches.
 */
export async function writeMigratedImage(options: { image?: MigratedImage; prepare?: (db: Database) => Promise<void> } = {}): Promise<{ written: boolean; dir: string }> {
  const image = options.image ?? migratedImage;
  const key = await imageKey();
  const current = await readKey(image);
  if (current === key && (await namesIn(image.dir)).length > 0) return { written: false, dir: image.dir };
  const scratch = `${image.dir}.${process.pid}.tmp`;
  await rm(scratch, { recursive: true, force: true });
  try {
    const db = await openDatabase({ kind: 'pglite', dataDir: scratch });
    try {
      await migrate(db.sql);
      await options.prepare?.(db);
      await db.sql.exec('CHECKPOINT');
    } finally {
      await db.close();
    }
    // The old key goes first and the new one last: no directory is ever paired with a key it was
    // not made under (a start that copies meanwhile fails its copy and creates the cluster instead).
    await rm(image.key, { force: true });
    await rm(image.dir, { recursive: true, force: true });
    await rename(pgliteLocation(scratch), image.dir);
    await writeFile(`${image.key}.${process.pid}.tmp`, `${key}\n`);
    await rename(`${image.key}.${process.pid}.tmp`, image.key);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { written: true, dir: image.dir };
}

/** Prints the generated first-admin password once, where the operator will see it. */
export function announceGeneratedAdmin(email: string, password: string | undefined): void {
  if (!password) return;
  const lines = [
    'First admin account created.',
    `  email:    ${email}`,
    `  password: ${password}`,
    'This password is shown only once: sign in and change it, or set ADMIN_PASSWORD.',
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}
