/**
 * The long fuzz run: `npm run fuzz`. Environment:
 * - FUZZ_RUNS: requests per operation and caller (default 50);
 * - FUZZ_SEED: the campaign seed (default: random, printed first);
 * - FUZZ_ONLY: a regular expression on `METHOD /path` to fuzz some operations only;
 * - TEST_DATABASE_URL: run on a scratch database of that PostgreSQL server instead of PGlite.
 * Prints counts and every distinct failure; exits 1 when any.
 */
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { scratchDatabase } from '../bench/lib.js';
import type { TestDatabase } from '../helpers/db.js';
import { formatReport, runCampaign } from './campaign.js';
import { createFuzzWorld } from './world.js';

const runs = Number(process.env.FUZZ_RUNS || 50);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const only = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer (got "${process.env.FUZZ_RUNS}")`);
if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer (got "${process.env.FUZZ_SEED}")`);

console.log(
  `fuzz: seed ${seed} (replay with FUZZ_SEED=${seed}), ${runs} runs per operation and caller${only ? `, only ${only}` : ''}, on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`,
);
/** In-memory PGlite, or a scratch database on the server of TEST_DATABASE_URL (dropped at the end). */
async function fuzzDatabase(): Promise<TestDatabase> {
  if (!process.env.TEST_DATABASE_URL) {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    await migrate(db.sql);
    return { db, url: undefined, dispose: () => db.close() };
  }
  const scratch = await scratchDatabase('ch_fuzz');
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

const world = await createFuzzWorld(await fuzzDatabase());
const started = Date.now();
try {
  const report = await runCampaign(world, {
    seed,
    runs,
    ...(only ? { only } : {}),
    onOperation: (key, done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r[${done}/${total}] ${key}`.padEnd(90).slice(0, 90));
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(formatReport(report, { runs }));
  console.log(`fuzz: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
} finally {
  await world.close();
}
