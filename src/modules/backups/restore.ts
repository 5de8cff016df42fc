import { CommandError } from '../../command-error.js';
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pgliteLocation } from '../../db/client.js';
import { readManifest } from './archive.js';
import { runPostgresTool } from './postgres-tools.js';

/** A restore that must not run as asked; the message says why and what to do. */
export class RestoreRefused extends CommandError {}

export type RestoreTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

/**
 * Replaces the database with the backup in `backupFile` (its manifest beside it says its kind).
 * - Embedded: the PGlite files under DATA_DIR are moved aside to `<dir>.before-restore-<time>` (kept;
 *   delete it once satisfied) and the archive unpacked in their place. Refused while the embedded
 *   database is open (a server or worker running on DATA_DIR) unless `force`.
 * - PostgreSQL: `pg_restore --clean --if-exists` in one transaction (all or nothing); stop the
 *   servers and workers first, since open transactions would hold locks it waits for.
 * Returns where the previous embedded files went (undefined for PostgreSQL).
 */
export async function restoreBackup(target: RestoreTarget, backupFile: string, options: { force?: boolean } = {}): Promise<{ previous: string | undefined }> {
  if (!existsSync(backupFile)) throw new RestoreRefused(`${backupFile} does not exist`);
  const manifest = await readManifest(backupFile).catch(() => undefined);
  const kind = manifest?.kind ?? (backupFile.endsWith('.tar.gz') ? 'pglite' : 'postgres');
  if (kind !== target.kind) {
    throw new RestoreRefused(
      `${backupFile} is a ${kind === 'pglite' ? 'embedded (PGlite)' : 'PostgreSQL'} backup; the configured database is ${target.kind === 'pglite' ? 'embedded (DATA_DIR)' : 'PostgreSQL (DATABASE_URL)'}`,
    );
  }
  if (target.kind === 'postgres') {
    await runPostgresTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${target.url}`, backupFile]);
    return { previous: undefined };
  }
  const location = pgliteLocation(target.dataDir);
  if (existsSync(`${location}/postmaster.pid`) && !options.force) {
    throw new RestoreRefused(
      `The embedded database in ${location} is open (a server or worker is running on it, or one stopped without closing it). Stop it and try again; if none is running, add --force.`,
    );
  }
  const archive = new Blob([await readFile(backupFile)]);
  const unpacked = `${location}.restoring-${process.pid}`;
  await rm(unpacked, { recursive: true, force: true });
  const restored = await PGlite.create(unpacked, { loadDataDir: archive, extensions: { btree_gist } });
  await restored.query('SELECT 1');
  await restored.close();
  const previous = existsSync(location) ? `${location}.before-restore-${new Date().toISOString().replace(/[-:.]/g, '')}` : undefined;
  if (previous) await rename(location, previous);
  await rename(unpacked, location);
  return { previous };
}
