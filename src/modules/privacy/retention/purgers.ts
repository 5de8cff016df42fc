/**
 * The retention purgers, one per data class of the `retention` setting: `count` says how many rows
 * a purge at `cutoff` would touch (the dry run), `purge` does it and says how many it touched. Each
 * purge is one statement (atomic by itself), except inactive families: one transaction per family. Financial records (payments, invoices, the ledger,
 * refunds, receipts) have no purger: the law keeps them six years and retention never touches them.
 */
import type { SqlClient, SqlExecutor } from '../../../db/sql-client.js';
import { anonymiseInactiveFamilies } from '../erasure/inactive.js';
import { finalStatuses } from '../../../engine/index.js';
import type { RetentionSetting } from '../../settings/types.js';

export type DataClass = keyof RetentionSetting;

export interface Purger {
  dataClass: DataClass;
  /** What a purge does to the rows older than the cutoff (README, answers). */
  action: 'deleted' | 'blanked' | 'cleared' | 'anonymised';
  count(sql: SqlClient, cutoff: Date): Promise<number>;
  purge(sql: SqlClient, cutoff: Date): Promise<number>;
}

const countOf = async (sql: SqlExecutor, text: string, params: unknown[]): Promise<number> => {
  const [row] = await sql.query<{ n: number | string }>(text, params);
  return Number(row?.n ?? 0);
};

/** A purger that deletes the rows of `table` matching `where` ($1 = the cutoff). */
const deleting = (dataClass: DataClass, table: string, where: string): Purger => ({
  dataClass,
  action: 'deleted',
  count: (sql, cutoff) => countOf(sql, `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, [cutoff]),
  purge: (sql, cutoff) => countOf(sql, `WITH done AS (DELETE FROM ${table} WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM done`, [cutoff]),
});

const OUTBOX_DONE = `status IN ('sent', 'kept', 'failed') AND created_at < $1 AND (subject IS NOT NULL OR body_text IS NOT NULL OR body_html IS NOT NULL)`;
const FINISHED_RUNS = `SELECT id FROM workflow_runs WHERE status = ANY($2::text[]) AND finished_at < $1`;
const final = [...finalStatuses];

/**
 * A parent account with nothing since the cutoff: no lesson of their children starting after it,
 * no payment made after it, no sign-in after it, and created before it.
 */
export const purgers: readonly Purger[] = [
  {
    dataClass: 'outboxBodies',
    action: 'blanked',
    count: (sql, cutoff) => countOf(sql, `SELECT count(*)::int AS n FROM outbox WHERE ${OUTBOX_DONE}`, [cutoff]),
    purge: (sql, cutoff) =>
      countOf(sql, `WITH done AS (UPDATE outbox SET subject = NULL, body_text = NULL, body_html = NULL WHERE ${OUTBOX_DONE} RETURNING 1) SELECT count(*)::int AS n FROM done`, [
        cutoff,
      ]),
  },
  deleting('notifications', 'notifications', 'created_at < $1'),
  {
    dataClass: 'workflowStepOutputs',
    action: 'cleared',
    // Never a running or waiting run's: only runs in a final status that finished before the cutoff.
    count: (sql, cutoff) =>
      countOf(
        sql,
        `SELECT (SELECT count(*) FROM workflow_steps WHERE output IS NOT NULL AND run_id IN (${FINISHED_RUNS}))
              + (SELECT count(*) FROM workflow_transactions WHERE result <> 'null'::jsonb AND run_id IN (${FINISHED_RUNS})) AS n`,
        [cutoff, final],
      ),
    purge: (sql, cutoff) =>
      countOf(
        sql,
        `WITH steps AS (UPDATE workflow_steps SET output = NULL WHERE output IS NOT NULL AND run_id IN (${FINISHED_RUNS}) RETURNING 1),
              results AS (UPDATE workflow_transactions SET result = 'null'::jsonb WHERE result <> 'null'::jsonb AND run_id IN (${FINISHED_RUNS}) RETURNING 1)
         SELECT (SELECT count(*) FROM steps) + (SELECT count(*) FROM results) AS n`,
        [cutoff, final],
      ),
  },
  deleting('auditRows', 'audit_log', 'created_at < $1'),
  deleting('rejectedEnrollmentForms', 'enrollments', `status = 'rejected' AND coalesce(decided_at, updated_at) < $1`),
  {
    dataClass: 'inactiveFamilies',
    action: 'anonymised',
    // Closed and anonymised exactly as an erasure request is (src/modules/privacy/erasure/inactive.ts).
    count: async (sql, cutoff) => (await anonymiseInactiveFamilies(sql, cutoff, true)).count,
    purge: async (sql, cutoff) => (await anonymiseInactiveFamilies(sql, cutoff, false)).count,
  },
  deleting('aiCallLogs', 'ai_calls', 'created_at < $1'),
];
