/**
 * The lifecycle of `serve` and `worker` (src/runtime/shutdown.ts): an error nothing caught that says
 * the database connection was lost is logged and the process keeps running; any other is a bug that
 * shuts the process down gracefully with exit code 1. Runs real processes.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../bench/lib.js';

function runFixture(kind: string): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/outage/fixtures/uncaught-error.ts', kind], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, lines: out.trim().split('\n') }));
  });
}

describe('an error that nothing caught', () => {
  it.each(['database-exception', 'database-rejection'])('from a lost database connection (%s) leaves the process running', { timeout: 60_000 }, async (kind) => {
    const { code, lines } = await runFixture(kind);
    expect(lines).toEqual(['database connection lost outside a request; still running', 'still running', 'stopping', 'closed']);
    expect(code).toBe(0);
  });

  it('from a bug shuts the process down gracefully, exit code 1', { timeout: 60_000 }, async () => {
    const { code, lines } = await runFixture('bug');
    expect(lines).toEqual(['stopping after an error', 'closed']);
    expect(code).toBe(1);
  });
});
