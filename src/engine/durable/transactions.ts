/**
 * Transactional steps in the database: the result of each `ctx.transaction` is written to
 * workflow_transactions in the same transaction as the node's domain writes, so they commit
 * together or not at all, and a node run again gets the recorded result without running the work.
 */
import type { TransactionHandle, TransactionRunner, TransactionStep } from '../transaction.js';
import { LeaseLostError } from './durable-journal.js';
import type { EngineSql, EngineSqlExecutor } from './sql.js';

/**
 * Opens one database transaction for a transactional step: calls `work` with the application's
 * handle and an EngineSqlExecutor on the SAME connection and transaction (the engine writes its
 * record through it), commits when `work` resolves, rolls back when it rejects.
 */
export type TransactionOpener = <T>(work: (handle: TransactionHandle, engineSql: EngineSqlExecutor) => Promise<T>) => Promise<T>;

/** The opener used without one in the engine's options: the engine's own `sql.transaction`, handle `{ sql }`. */
export function engineTransactions(sql: EngineSql): TransactionOpener {
  // The handle is only `{ sql }` here; an application that declares more members passes its own opener.
  return (work) => sql.transaction((tx) => work({ sql: tx } as unknown as TransactionHandle, tx));
}

/** Rolls back a transaction whose result was recorded first by another execution of the same step. */
class AlreadyRecorded extends Error {}

/** The transactional steps of one claimed run, recorded under this worker's lease. */
export class RecordedTransactions implements TransactionRunner {
  constructor(
    private readonly sql: EngineSql,
    private readonly open: TransactionOpener,
    private readonly owner: string,
    /** False on a run's first claim: no node of it ran before, so nothing can be recorded yet. */
    private readonly resumed: boolean,
  ) {}

  async run<T>(step: TransactionStep, work: (tx: TransactionHandle) => Promise<T>): Promise<T> {
    if (this.resumed || step.attempt > 1) {
      const recorded = await this.recorded(step);
      if (recorded) return recorded.result as T;
    }
    try {
      return await this.open(async (handle, engineSql) => {
        const text = JSON.stringify(await work(handle)) ?? 'null';
        // Only the lease holder records, and only once per step (the unique key waits for a
        // concurrent execution's commit and then does nothing).
        const rows = await engineSql.query(
          `INSERT INTO workflow_transactions (run_id, node_id, kind, seq, result)
           SELECT id, $2, $3, $4, $5::jsonb FROM workflow_runs WHERE id = $1 AND lease_owner = $6
           ON CONFLICT (run_id, node_id, kind, seq) DO NOTHING
           RETURNING 1`,
          [step.runId, step.nodeId, step.kind, step.seq, text, this.owner],
        );
        if (rows.length === 0) throw new AlreadyRecorded();
        return JSON.parse(text) as T;
      });
    } catch (error) {
      if (!(error instanceof AlreadyRecorded)) throw error;
      const recorded = await this.recorded(step);
      if (recorded) return recorded.result as T;
      throw new LeaseLostError(step.runId);
    }
  }

  private async recorded(step: TransactionStep): Promise<{ result: unknown } | undefined> {
    const rows = await this.sql.query<{ result: unknown }>(`SELECT result FROM workflow_transactions WHERE run_id = $1 AND node_id = $2 AND kind = $3 AND seq = $4`, [
      step.runId,
      step.nodeId,
      step.kind,
      step.seq,
    ]);
    return rows[0];
  }
}
