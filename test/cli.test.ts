import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor200 } from './bench/lib.js';
import { runCli } from './helpers/cli.js';

/** Stops a `serve` run once it answers /health (fails the run if it never does). */
function untilHealthy(env: Record<string, string>) {
  return (child: ChildProcess): void => {
    waitFor200(`http://127.0.0.1:${env.PORT}/health`, performance.now(), 150_000).then(
      () => child.kill('SIGTERM'),
      () => child.kill('SIGKILL'),
    );
  };
}

describe('command line', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ch-cli-'));
    // The launcher rebuilds a stale dist/ and says so; build first so each test sees only its command's output.
    const { code, stderr } = await runCli(['help'], {});
    expect(code, stderr).toBe(0);
  }, 120_000);
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('stops on a bad environment value with one line naming the variable', { timeout: 120_000 }, async () => {
    const result = await runCli(['serve'], { PORT: 'eighty', DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'));
    expect(lines).toEqual([expect.stringMatching(/^Invalid environment variable PORT: .*"eighty"/)]);
  });

  it('rejects an unknown command with the usage', { timeout: 120_000 }, async () => {
    const result = await runCli(['dance'], { DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown command "dance"');
    expect(result.stderr).toContain('Usage:');
  });

  it('serves on an empty DATA_DIR, shuts down cleanly on SIGTERM, and keeps its data on a second start', async () => {
    const firstEnv = { DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1' };
    const first = await runCli(['serve'], firstEnv, untilHealthy(firstEnv));
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('First admin account created.');
    const password = /password: (\S+)/.exec(first.stdout)?.[1];
    expect(password).toMatch(/^\S{16,}$/);

    const secondEnv = { DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1' };
    const second = await runCli(['serve'], secondEnv, untilHealthy(secondEnv));
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('First admin account created.');

    const migrate = await runCli(['migrate'], { DATA_DIR: dataDir });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('Database is up to date');
  }, 480_000);
});
