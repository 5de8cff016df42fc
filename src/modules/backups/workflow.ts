/**
 * The `database-backup` workflow (daily at 03:00 in the school's zone when BACKUP_DIR is set, or
 * started by hand): makes a backup in BACKUP_DIR, verifies it by restoring it into a scratch
 * database and comparing row counts, then keeps the newest BACKUP_KEEP backups. A backup that fails
 * verification fails the run (its manifest says why), alerts the office (admin_alert) and is never
 * counted among those kept good: the prune step does not run, so older backups stay.
 */
import path from 'node:path';
import { z } from 'zod';
import { defineNode, defineWorkflow, type TaskContext } from '../../engine/index.js';
import { notifyAdmins } from '../notifications/admin-alerts.js';
import type { SchoolServices } from '../services.js';
import { createBackup, verifyBackup, type BackupSource } from './archive.js';
import { pruneBackups } from './prune.js';

export const DATABASE_BACKUP_WORKFLOW = 'database-backup';
/** When the scheduled backup runs (cron, school's zone). */
export const DATABASE_BACKUP_CRON = '0 3 * * *';

const event = z.object({ firedAt: z.string().optional() });
type Ctx = TaskContext<z.infer<typeof event>>;

/** The backup source of this process's database. */
export function backupSourceOf(services: SchoolServices): BackupSource {
  const { database } = services.config;
  return database.kind === 'postgres' ? { kind: 'postgres', url: database.url } : { kind: 'pglite', db: services.db };
}

export function buildDatabaseBackupWorkflow(services: SchoolServices) {
  const dirOf = (): string => path.resolve(services.config.backups.dir ?? 'backups');

  const dump = defineNode({
    id: 'dump',
    description: 'Makes a backup file with its manifest (row counts of the same snapshot)',
    retry: { maxAttempts: 2, initialDelayMs: 5_000 },
    timeoutMs: 30 * 60_000,
    process: async (): Promise<{ path: string; bytes: number; tables: number }> => {
      const { path: file, manifest } = await createBackup(backupSourceOf(services), dirOf());
      return { path: file, bytes: manifest.bytes, tables: Object.keys(manifest.tables).length };
    },
  });

  const verify = defineNode({
    id: 'verify',
    description: 'Restores the backup into a scratch database and compares its row counts',
    timeoutMs: 30 * 60_000,
    process: async (ctx: Ctx): Promise<{ ok: true }> => {
      const made = ctx.output(dump);
      if (!made) throw new Error('the dump step left no backup');
      const url = services.config.database.kind === 'postgres' ? services.config.database.url : undefined;
      const result = await verifyBackup(made.path, url);
      if (!result.ok) {
        const detail = result.error ?? result.mismatches.map((m) => `${m.table}: ${m.expected} in the database, ${m.actual} in the backup`).join('; ');
        const message = `The backup ${made.path} failed verification: ${detail}. Older backups were kept.`;
        await notifyAdmins(services, { title: 'A database backup failed verification', message }, `${ctx.idempotencyKey}:alert`);
        throw new Error(message);
      }
      return { ok: true };
    },
  });

  const prune = defineNode({
    id: 'prune',
    description: 'Deletes all but the newest BACKUP_KEEP backups',
    process: async (): Promise<{ deleted: string[] }> => ({ deleted: await pruneBackups(dirOf(), services.config.backups.keep) }),
  });

  return defineWorkflow({
    name: DATABASE_BACKUP_WORKFLOW,
    description: 'Backs up the database to BACKUP_DIR, verifies the backup by restoring it, keeps the newest BACKUP_KEEP',
    event,
    start: 'dump',
    nodes: [{ node: dump, connections: ['verify'] }, { node: verify, connections: ['prune'] }, { node: prune }],
  });
}
