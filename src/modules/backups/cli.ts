import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../../config.js';
import { openDatabase, pgliteLocation } from '../../db/client.js';
import { createBackup, verifyBackup } from './archive.js';
import { restoreBackup, RestoreRefused } from './restore.js';

/** `npm run backup`: one verified backup in BACKUP_DIR (default ./backups); returns the lines to print. */
export async function backupCommand(config: AppConfig): Promise<string[]> {
  const dir = path.resolve(config.backups.dir ?? 'backups');
  const target = config.database;
  if (target.kind === 'postgres') {
    const { path: file, manifest } = await createBackup({ kind: 'postgres', url: target.url }, dir);
    return [...describe(file, manifest.bytes), ...verdict(await verifyBackup(file, target.url))];
  }
  if (existsSync(path.join(pgliteLocation(target.dataDir), 'postmaster.pid'))) {
    throw new RestoreRefused(
      `The embedded database in ${pgliteLocation(target.dataDir)} is open (a server or worker is running on it): stop it first, or set BACKUP_DIR and let the server make its scheduled backups.`,
    );
  }
  const db = await openDatabase(target);
  try {
    const { path: file, manifest } = await createBackup({ kind: 'pglite', db }, dir);
    return [...describe(file, manifest.bytes), ...verdict(await verifyBackup(file))];
  } finally {
    await db.close();
  }
}

/** `npm run restore -- FILE [--force]`: replaces the configured database with the backup. */
export async function restoreCommand(config: AppConfig, args: string[]): Promise<string[]> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) throw new RestoreRefused('Give the backup file: npm run restore -- backups/cedar-pglite-20270104T030000Z.tar.gz');
  const target = config.database.kind === 'postgres' ? { kind: 'postgres' as const, url: config.database.url } : { kind: 'pglite' as const, dataDir: config.database.dataDir };
  const { previous } = await restoreBackup(target, path.resolve(file), { force: args.includes('--force') });
  return [`Restored ${file}`, ...(previous ? [`The previous database files were moved to ${previous} (delete them once satisfied)`] : [])];
}

const describe = (file: string, bytes: number): string[] => [`Backup written: ${file} (${(bytes / 1024).toFixed(0)} KiB)`];

function verdict(result: Awaited<ReturnType<typeof verifyBackup>>): string[] {
  if (result.ok) return ['Verified: restored into a scratch database, every table has the same number of rows'];
  const detail = result.error ?? result.mismatches.map((m) => `${m.table}: ${m.expected} vs ${m.actual}`).join('; ');
  throw new Error(`The backup failed verification: ${detail}`);
}
