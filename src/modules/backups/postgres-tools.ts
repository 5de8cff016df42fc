import { CommandError } from '../../command-error.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PostgreSQL client program (pg_dump, pg_restore) that is missing or failed; the message says what to do. */
export class BackupToolError extends CommandError {}

/**
 * Runs a PostgreSQL client program with `args`. Missing from PATH → BackupToolError naming the
 * package to install; a non-zero exit → BackupToolError with its standard error.
 */
export async function runPostgresTool(program: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  try {
    await run(program, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new BackupToolError(
        `${program} was not found on PATH: install the PostgreSQL client programs of your server's major version (Debian: apt-get install postgresql-client) to back up or restore PostgreSQL`,
      );
    }
    throw new BackupToolError(`${program} failed: ${(failure.stderr ?? failure.message).trim()}`);
  }
}

/** `url` with its database name replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
