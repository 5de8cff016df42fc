import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { familiesCsv } from './fixtures.js';

describe('npm run import', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ch-import-cli-'));
    env = { DATA_DIR: path.join(dir, 'data'), SEED_DEMO: 'false', ADMIN_PASSWORD: 'import-cli-password-1' };
    const seeded = await runCli(['seed'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 300_000);
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('imports teachers, dry-runs and imports families with a summary, and changes nothing the second time', { timeout: 600_000 }, async () => {
    const teachers = await runCli(['import', 'docs/import/teachers.csv', '--kind', 'teachers'], env);
    expect(teachers.code, teachers.stderr).toBe(0);
    expect(teachers.stdout).toContain('2 rows: 2 created, 0 updated, 0 unchanged, 0 with errors');

    const file = path.join(dir, 'families.csv');
    await writeFile(file, familiesCsv(48, 2).csv);
    const dry = await runCli(['import', file, '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('nothing was changed');
    expect(dry.stdout).toContain('50 rows: 48 would be created, 0 updated, 0 unchanged, 2 with errors');
    expect(dry.stdout).toMatch(/row 25, Parent Email: "not-an-email-0" is not an e-mail address/);

    const real = await runCli(['import', file, '--kind', 'families'], env);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain('50 rows: 48 created, 0 updated, 0 unchanged, 2 with errors');
    expect(real.stdout).toMatch(/row 50, Date of Birth: "2015-13-45" is not a date/);

    const again = await runCli(['import', file], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('50 rows: 0 created, 0 updated, 48 unchanged, 2 with errors');
  });

  it('stops with one clear line on a missing file, a wrong kind or a bad file', { timeout: 300_000 }, async () => {
    const missing = await runCli(['import', path.join(dir, 'nope.csv')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^Cannot read .*nope\.csv: ENOENT$/);

    const kind = await runCli(['import', 'docs/import/teachers.csv', '--kind', 'pupils'], env);
    expect(kind.code).toBe(1);
    expect(kind.stderr.trim()).toBe('Unknown --kind "pupils": one of families, teachers, weekly-hours');

    const bad = await runCli(['import', 'docs/import/teachers.csv', '--kind', 'families'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^docs\/import\/teachers\.csv: Missing required columns parentFirstName, parentLastName/);
  });
});
