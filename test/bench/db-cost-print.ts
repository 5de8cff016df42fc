/** Markdown output of database costs (test/bench/db-cost.ts) for the benchmarks' tables. */
import type { WalCost } from './db-cost.js';
import { fmt } from './lib.js';

/** One measured phase of one configuration. */
export interface DbCostRow {
  config: string;
  workers: string;
  phase: string;
  cost: WalCost;
  /** Runs (or requests) of the phase: figures are printed per run. */
  runs: number;
}

const measured = (cost: WalCost | undefined, value: (cost: WalCost) => number): cost is WalCost => cost !== undefined && !Number.isNaN(value(cost));

/** Write transactions per run: commit records of the database's writing transactions, plus bare (NOTIFY-only) commits; `n/a` unknown. */
export const writesPerRun = (cost: WalCost | undefined, runs: number): string =>
  measured(cost, (c) => c.dataCommits) ? fmt((cost.dataCommits + cost.bareCommits) / runs, 1) : 'n/a';

/** KiB of the database's WAL records per run; `n/a` unknown. */
export const walKibPerRun = (cost: WalCost | undefined, runs: number): string => (measured(cost, (c) => c.bytes) ? fmt(cost.bytes / 1024 / runs, 1) : 'n/a');

const perRun = (value: number, runs: number, digits = 2): string => (Number.isNaN(value) ? 'n/a' : fmt(value / runs, digits));

/** How the figures are measured, the commit and WAL detail per phase, and (when measured) the WAL by relation. */
export function printDbCosts(rows: DbCostRow[]): void {
  if (rows.length === 0) return;
  console.log(`
How the database work is measured (PostgreSQL configurations, scratch database of each):
- transactions (all): pg_stat_database.xact_commit, read-only transactions included, after the counters settled before and after the phase (BENCH_STATS_SETTLE_MS, default 11.5 s on PostgreSQL 15+: an idle backend reports within 10 s), so that window also holds the idle pollers of the settling time after;
- write transactions: COMMIT records in the phase's WAL (pg_walinspect) of transactions that changed the bench database, plus commits that carry no data (NOTIFY alone; the WAL does not name their database, so any database's count);
- WAL: record bytes (header, data, full-page images; no page headers or alignment) of the records touching the bench database or written by its transactions.

| configuration | worker processes | phase | data commits | bare commits | aborts | WAL records | full-page images KiB | server WAL KiB (pg_wal_lsn_diff, all databases) | other databases' commits in the window |
|---|---:|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const { config, workers, phase, cost, runs } of rows) {
    console.log(
      `| ${config} | ${workers} | ${phase} | ${perRun(cost.dataCommits, runs)} | ${perRun(cost.bareCommits, runs)} | ${perRun(cost.aborts, runs)} | ${perRun(cost.records, runs, 1)} | ${perRun(cost.fpiBytes / 1024, runs)} | ${perRun(cost.serverBytes / 1024, runs, 1)} | ${fmt(cost.otherCommits, 0)} |`,
    );
  }
  console.log('\n(per run, except the last column: a total; when other databases were busy, the server WAL and the bare commits include theirs)');
  for (const { config, workers, phase, cost, runs } of rows) {
    if (!cost.relations) continue;
    console.log(`\nWAL by relation per run: ${config}, ${workers} worker process(es), ${phase}\n`);
    console.log('| relation | bytes | records | record types |');
    console.log('|---|---:|---:|---|');
    for (const r of cost.relations) console.log(`| ${r.relation} | ${fmt(r.bytes / runs, 0)} | ${fmt(r.records / runs, 2)} | ${r.types} |`);
  }
}
