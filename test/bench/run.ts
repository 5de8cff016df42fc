import { benchEngineMemory, printEngineMemory } from './engine-memory.js';
import { benchStartup, printStartup } from './startup.js';

/**
 * `npm run bench`: every benchmark, figures printed as Markdown tables.
 * BENCH_ONLY=startup,engine runs a subset. PostgreSQL: BENCH_DATABASE_URL (default local server).
 */
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const wanted = (name: string): boolean => only.length === 0 || only.includes(name);

if (wanted('engine')) printEngineMemory(await benchEngineMemory());
if (wanted('startup')) printStartup(await benchStartup());
