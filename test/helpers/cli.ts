import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot } from '../bench/lib.js';

/** How a CLI run ended: its exit code and everything it wrote. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI as the npm scripts do: `node scripts/start.mjs <args>` (dist/main.js, rebuilt first
 * when stale), with only PATH, HOME and `env` in its environment. `whileRunning` gets the child
 * (e.g. to stop a server once it answers); the promise settles when the process exits.
 */
export function runCli(args: string[], env: Record<string, string>, whileRunning?: (child: ChildProcess) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    whileRunning?.(child);
  });
}
