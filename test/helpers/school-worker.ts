import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot } from '../bench/lib.js';

/** A TypeScript script of this repository running in its own process (kill tests, benchmarks). */
export interface ScriptProcess {
  child: ChildProcess;
  /** Resolves with the first capture group of the readiness line; rejects if the process exits first. */
  ready: Promise<string>;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5000); resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs `node --import tsx <script> …args` from the repository root with `env` (the whole
 * environment: merge process.env yourself), ready once a stdout line matches `readyLine`.
 */
export function spawnScript(script: string, args: string[], env: NodeJS.ProcessEnv, readyLine: RegExp): ScriptProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log += `${line}\n`;
      const match = readyLine.exec(line);
      if (match) resolve(match[1] ?? match[0]);
    });
    child.once('exit', (code, signal) => reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${log}`)));
    child.once('error', reject);
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    output: () => log,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The school's real worker process (`src/main.ts worker`), for kill tests. */
export type SchoolWorker = ScriptProcess;

/** Starts a worker with `env` over this process's environment (set DATABASE_URL, JWT_SECRET …). */
export function startSchoolWorker(env: Record<string, string>): SchoolWorker {
  // A worker signs the links its mails carry, so it needs the JWT secret the API shares (the tests' own by default).
  const jwt = { JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789' };
  return spawnScript('src/main.ts', ['worker'], { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', REDIS_URL: '', ...jwt, ...env }, /worker started/);
}
