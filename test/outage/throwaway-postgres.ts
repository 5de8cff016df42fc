import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The bin folder of the newest PostgreSQL under /usr/lib/postgresql that has initdb and pg_ctl; undefined when none. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return versions.map((version) => path.join(root, version, 'bin')).find((bin) => existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl')));
}

/** A PostgreSQL server of its own, in a temporary folder, on 127.0.0.1:`port` (trust authentication). */
export interface ThrowawayPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server: `fast` disconnects every session (57P01), `immediate` kills it without a shutdown checkpoint. */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (if running) and deletes its folder. */
  destroy(): Promise<void>;
}

/**
 * initdb + pg_ctl in a fresh temporary folder. As root (initdb refuses to run as root) the tools run
 * as the `postgres` user through runuser, and the folder is handed to that user.
 */
export async function startThrowawayPostgres(bin: string, port: number): Promise<ThrowawayPostgres> {
  const folder = await mkdtemp(path.join(tmpdir(), 'ch-outage-pg-'));
  const dataDir = path.join(folder, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(folder, Number(stdout.trim()), Number(group.trim()));
  }
  const tool = (name: string, args: string[]): Promise<unknown> =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]) : run(path.join(bin, name), args);
  const serverOptions = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  let running = false;
  await tool('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const start = async (): Promise<void> => {
    await tool('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '60', '-l', path.join(folder, 'server.log'), '-o', serverOptions]);
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate'): Promise<void> => {
    await tool('pg_ctl', ['stop', '-D', dataDir, '-w', '-t', '60', '-m', mode]);
    running = false;
  };
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async destroy() {
      if (running) await stop('immediate').catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
    },
  };
}
