/**
 * The AI workflows end to end (issue 17), in one process on the test stack (PGlite, or PostgreSQL
 * with TEST_DATABASE_URL): the real OpenAI SDK provider pointed at a local stand-in that answers a
 * valid structured output after MODEL_MS. Each case (`ai-workflows/*.case.ts`, found by name) runs
 * WARMUP + RUNS times one after another; `prepare` (untimed) then `run` (timed: until the draft
 * waits for approval, or the run ended). Per run: the whole time, the time the stand-in held the
 * provider's requests (its arrival to the end of its answer), and the rest: everything but the
 * model. Beside them, ceilings measured in the same process: a bare GET /health through inject()
 * and a bare `SELECT 1`. Targets: everything but the model p95 < 100 ms; the whole run < 5 s.
 *
 * `npx tsx test/bench/ai-workflows.ts` (or BENCH_ONLY=ai npm run bench). Env: BENCH_AI_RUNS (30),
 * BENCH_AI_MODEL_MS (300), BENCH_AI_DB (pglite | postgres: a scratch database on BENCH_DATABASE_URL's server).
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createUser } from '../helpers/app.js';
import { startAiStandIn } from '../helpers/ai-stand-in.js';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import type { TestDatabase } from '../helpers/db.js';
import { createTestStack } from '../helpers/stack.js';
import { requestedSchema, sampleOf, sharedData } from './ai-workflows/json-sample.js';
import type { AiBenchContext, AiWorkflowCase } from './ai-workflows/types.js';
import { fmt, scratchDatabase } from './lib.js';
import { percentile } from './load.js';

const RUNS = Number(process.env.BENCH_AI_RUNS ?? 30);
const MODEL_MS = Number(process.env.BENCH_AI_MODEL_MS ?? 300);
const WARMUP = 3;
const CEILING_REPS = 200;
const CASES_DIR = new URL('./ai-workflows/', import.meta.url);
/** `postgres`: a scratch database on BENCH_DATABASE_URL's server; default the embedded PGlite. */
const DATABASE = process.env.BENCH_AI_DB === 'postgres' ? 'postgres' : 'pglite';

/** A fresh migrated database for the bench, outside Vitest (the test helpers' one needs its global setup). */
async function benchDatabase(): Promise<TestDatabase> {
  if (DATABASE === 'pglite') {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await migrate(db.sql);
    return { db, url: undefined, dispose: () => db.close() };
  }
  const scratch = await scratchDatabase('ai_bench');
  const db = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 10 });
  await migrate(db.sql);
  return {
    db,
    url: scratch.url,
    async dispose() {
      await db.close();
      await scratch.drop();
    },
  };
}

/** p50 / p95 in ms. */
export interface Spread {
  p50: number;
  p95: number;
}

export interface AiCaseFigures {
  name: string;
  runs: number;
  whole: Spread;
  model: Spread;
  nonModel: Spread;
  /** Provider calls per run (mean), and calls that did not end `ok` or fell back to the rules drafter. */
  callsPerRun: number;
  notOk: number;
}

export interface AiWorkflowFigures {
  database: string;
  modelMs: number;
  health: Spread;
  selectOne: Spread;
  cases: AiCaseFigures[];
  /** Mean time per node attempt over every run (where the time goes), by workflow and node. */
  nodes: { workflow: string; node: string; attempts: number; meanMs: number }[];
}

type StandInHook = (shared: unknown) => unknown;
interface LoadedCase {
  workflow: AiWorkflowCase;
  answer: StandInHook | undefined;
}

const isCase = (value: unknown): value is AiWorkflowCase =>
  typeof value === 'object' && value !== null && typeof (value as AiWorkflowCase).name === 'string' && typeof (value as AiWorkflowCase).run === 'function';

/** Every exported case of `ai-workflows/*.case.ts`, by file name, with the file's `standInAnswer` if it has one. */
async function loadCases(): Promise<LoadedCase[]> {
  const files = (await readdir(fileURLToPath(CASES_DIR))).filter((f) => /\.case\.ts$/.test(f)).sort();
  const loaded: LoadedCase[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(fileURLToPath(new URL(file, CASES_DIR))).href)) as Record<string, unknown>;
    const answer = typeof module.standInAnswer === 'function' ? (module.standInAnswer as StandInHook) : undefined;
    for (const value of Object.values(module)) if (isCase(value)) loaded.push({ workflow: value, answer });
  }
  return loaded;
}

const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

async function timed(reps: number, work: () => Promise<unknown>): Promise<Spread> {
  const times: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return spread(times);
}

export async function benchAiWorkflows(): Promise<AiWorkflowFigures> {
  const cases = await loadCases();
  const openai = await startAiStandIn();
  let hook: StandInHook | undefined;
  openai.respond = (request) => {
    const own = hook?.(sharedData(request.raw));
    return { kind: 'json', delayMs: MODEL_MS, value: own ?? sampleOf(requestedSchema(request.body) ?? {}) };
  };
  const stack = await createTestStack({
    database: await benchDatabase(),
    env: { AI_PROVIDERS: 'openai', OPENAI_API_KEY: 'sk-bench-key', OPENAI_BASE_URL: openai.url, AI_TIMEOUT_MS: '10000', LOG_LEVEL: 'warn' },
  });
  try {
    const admin = await createUser(stack.database.db, 'admin');
    const health = await timed(CEILING_REPS, () => stack.app.inject({ method: 'GET', url: '/health' }));
    const selectOne = await timed(CEILING_REPS, () => stack.database.db.sql.query('SELECT 1'));
    const figures: AiCaseFigures[] = [];
    for (const { workflow, answer } of cases) {
      hook = answer;
      const [{ last }] = (await stack.database.db.sql.query<{ last: string | null }>('SELECT max(id)::text AS last FROM ai_calls')) as [{ last: string | null }];
      const whole: number[] = [];
      const model: number[] = [];
      let calls = 0;
      for (let i = 0; i < WARMUP + RUNS; i += 1) {
        const ctx: AiBenchContext = { app: stack.app, stack, adminHeaders: admin.headers, i };
        await workflow.prepare(ctx);
        const before = openai.requests.length;
        const started = performance.now();
        await workflow.run(ctx);
        const elapsed = performance.now() - started;
        if (i < WARMUP) continue;
        const requests = openai.requests.slice(before);
        whole.push(elapsed);
        model.push(requests.reduce((sum, r) => sum + (r.heldMs ?? 0), 0));
        calls += requests.length;
      }
      const [outcomes] = await stack.database.db.sql.query<{ not_ok: number }>(
        `SELECT count(*) FILTER (WHERE outcome <> 'ok' OR fallback OR provider = 'rules')::int AS not_ok FROM ai_calls WHERE id > $1`,
        [last ?? '0'],
      );
      figures.push({
        name: workflow.name,
        runs: RUNS,
        whole: spread(whole),
        model: spread(model),
        nonModel: spread(whole.map((w, k) => w - model[k]!)),
        callsPerRun: calls / RUNS,
        notOk: outcomes?.not_ok ?? 0,
      });
    }
    const nodes = await stack.database.db.sql.query<{ workflow: string; node: string; attempts: number; mean_ms: number }>(
      `SELECT r.workflow_name AS workflow, s.node_id AS node, count(*)::int AS attempts, avg(s.duration_ms) AS mean_ms
       FROM workflow_steps s JOIN workflow_runs r ON r.id = s.run_id WHERE s.kind = 'process' GROUP BY 1, 2 ORDER BY 1, min(s.id)`,
    );
    return {
      database: DATABASE,
      modelMs: MODEL_MS,
      health,
      selectOne,
      cases: figures,
      nodes: nodes.map((n) => ({ workflow: n.workflow, node: n.node, attempts: n.attempts, meanMs: Number(n.mean_ms) })),
    };
  } finally {
    await stack.close();
    await openai.close();
  }
}

export function printAiWorkflows(f: AiWorkflowFigures): void {
  console.log(`\n### AI workflows end to end (${f.database}; stand-in model: ${f.modelMs} ms per call)\n`);
  console.log(
    `Ceilings in the same process: GET /health (inject) p50 ${fmt(f.health.p50, 2)} ms, p95 ${fmt(f.health.p95, 2)} ms; SELECT 1 p50 ${fmt(f.selectOne.p50, 2)} ms, p95 ${fmt(f.selectOne.p95, 2)} ms.\n`,
  );
  console.log(
    '| workflow | runs | calls/run | whole p50 | whole p95 | model p50 | non-model p50 | non-model p95 | non-model p95 / (health p95 + SELECT 1 p95) | not ok | targets (non-model p95 < 100 ms, whole < 5 s) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const ceiling = f.health.p95 + f.selectOne.p95;
  for (const c of f.cases) {
    const met = c.nonModel.p95 < 100 && c.whole.p95 < 5_000 ? 'met' : 'NOT met';
    console.log(
      `| ${c.name} | ${c.runs} | ${fmt(c.callsPerRun, 1)} | ${fmt(c.whole.p50)} ms | ${fmt(c.whole.p95)} ms | ${fmt(c.model.p50)} ms | ${fmt(c.nonModel.p50)} ms | ${fmt(c.nonModel.p95)} ms | ${fmt(c.nonModel.p95 / ceiling, 0)}× | ${c.notOk} | ${met} |`,
    );
  }
  console.log('\nMean time per node attempt (ms):\n');
  console.log('| workflow | node | attempts | mean |');
  console.log('|---|---|---|---|');
  for (const n of f.nodes) console.log(`| ${n.workflow} | ${n.node} | ${n.attempts} | ${fmt(n.meanMs)} |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printAiWorkflows(await benchAiWorkflows());
