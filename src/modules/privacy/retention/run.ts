import type { SqlClient } from '../../../db/sql-client.js';
import type { RetentionSetting } from '../../settings/types.js';
import { purgers, type DataClass, type Purger } from './purgers.js';

const DAY_MS = 86_400_000;

/** One data class of a retention report: rows older than `cutoff` (ISO) counted or purged. */
export interface RetentionClassReport {
  dataClass: DataClass;
  days: number;
  cutoff: string;
  rows: number;
  /** `counted` in a dry run, else what the purge did. */
  action: Purger['action'] | 'counted';
}

/** The answer of POST /privacy/retention/run and the output of the daily purge. */
export interface RetentionReport {
  dryRun: boolean;
  /** ISO instant the cutoffs were counted back from. */
  ranAt: string;
  classes: RetentionClassReport[];
}

/**
 * Applies `periods` at `now` (ms): for each purger, the cutoff is `now` minus its period in days
 * (24-hour days). A dry run counts and changes nothing; a real run purges each class (one statement,
 * or one transaction per family for inactive families; a class that fails leaves the others done). Runs as the
 * database owner: it spans every family and the engine's tables.
 */
export async function runRetention(sql: SqlClient, periods: RetentionSetting, now: number, options: { dryRun: boolean }): Promise<RetentionReport> {
  const classes: RetentionClassReport[] = [];
  for (const purger of purgers) {
    const days = periods[purger.dataClass];
    const cutoff = new Date(now - days * DAY_MS);
    const rows = options.dryRun ? await purger.count(sql, cutoff) : await purger.purge(sql, cutoff);
    classes.push({ dataClass: purger.dataClass, days, cutoff: cutoff.toISOString(), rows, action: options.dryRun ? 'counted' : purger.action });
  }
  return { dryRun: options.dryRun, ranAt: new Date(now).toISOString(), classes };
}
