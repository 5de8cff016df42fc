/**
 * `npm run demo:remove` as an operator runs it (the CLI command `demo-remove` of the built
 * dist/main.js, through scripts/start.mjs) on an embedded database: it removes the demo the seed
 * made, a second run finds nothing, and a later seed (as on every start) does not bring it back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('npm run demo:remove', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ch-demo-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('removes the seeded demo once, then finds nothing, and the demo stays away after a new seed', { timeout: 300_000 }, async () => {
    const env = { DATA_DIR: dataDir, ADMIN_PASSWORD: 'owner-password-123' };
    const seeded = await runCli(['seed'], env);
    expect(seeded.code, seeded.stderr).toBe(0);

    const first = await runCli(['demo-remove'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Demo removed:');
    expect(first.stdout).toMatch(/^ {2}lessons: \d+$/m);
    expect(first.stdout).toMatch(/^ {2}users: \d+$/m);

    const second = await runCli(['demo-remove'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('No demo records to remove');

    expect((await runCli(['seed'], env)).code).toBe(0);
    const third = await runCli(['demo-remove'], env);
    expect(third.stdout).toContain('No demo records to remove');
  });
});
