import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { manifestPath, readManifest } from './archive.js';

/** Backup files made by createBackup: `cedar-<kind>-<UTC time>.<ext>`; the time sorts as text. */
const BACKUP_FILE = /^cedar-(pglite|postgres)-\d{8}T\d{6}Z\.(tar\.gz|dump)$/;
const stampOf = (file: string) => path.basename(file).replace(/^cedar-(pglite|postgres)-/, '');

/** The backups in `dir`, oldest first (absolute paths). */
export async function listBackups(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  return names
    .filter((name) => BACKUP_FILE.test(name))
    .sort((a, b) => stampOf(a).localeCompare(stampOf(b)))
    .map((name) => path.resolve(dir, name));
}

const verified = async (file: string): Promise<boolean> => (await readManifest(file).catch(() => undefined))?.verification?.ok === true;

/**
 * Keeps the newest `keep` backups in `dir` that passed verification, and every backup newer than
 * the oldest of them (a failed or unverified one stays visible until good ones replace it);
 * deletes the older ones, each with its manifest. Returns the deleted files.
 */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const backups = await listBackups(dir);
  const good: string[] = [];
  for (const file of backups) if (await verified(file)) good.push(file);
  if (good.length < keep) return [];
  const oldestKept = stampOf(good[good.length - keep]!);
  const old = backups.filter((file) => stampOf(file) < oldestKept);
  for (const file of old) {
    await rm(file, { force: true });
    await rm(manifestPath(file), { force: true });
  }
  return old;
}
