/**
 * Transactional steps through the real queue and database: `ctx.transaction` commits the node's
 * write together with its recorded result, so a node run again (after a crash between that commit
 * and the node's checkpoint, or on a retry) gets the result without writing again, and a
 * transaction that fails leaves neither. Once per available queue driver.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drivers, openHarness, type Harness } from './harness.js';

const WAIT = 20_000;

/** Loses the checkpoint of node `write` on a run's first claim when the flag `lose-checkpoint:<runId>` exists. */
const loseCheckpointSql = `
  CREATE OR REPLACE FUNCTION lose_first_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.node_id = 'write' AND NEW.status = 'succeeded'
       AND EXISTS (SELECT 1 FROM flags WHERE name = 'lose-checkpoint:' || NEW.run_id)
       AND (SELECT attempt FROM workflow_runs WHERE id = NEW.run_id) = 1 THEN
      RAISE EXCEPTION 'the checkpoint of node write is lost';
    END IF;
    RETURN NEW;
  END;
  $$;
  CREATE TRIGGER lose_first_checkpoint BEFORE INSERT ON workflow_steps FOR EACH ROW EXECUTE FUNCTION lose_first_checkpoint();
`;

describe.each(drivers)('transactional steps on %s', (driver) => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness(driver);
    await h.database.db.sql.exec(loseCheckpointSql);
  });
  afterEach(async () => {
    await h.stopEngines();
  });
  afterAll(async () => {
    await h?.close();
  });

  const ledgerRows = async (runId: string) => (await h.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger WHERE run_id = $1', [runId]))[0]?.n;
  const recorded = (runId: string) =>
    h.query<{ node_id: string; kind: string; seq: number; result: { rows: number; token: string } }>(
      'SELECT node_id, kind, seq, result FROM workflow_transactions WHERE run_id = $1',
      [runId],
    );

  it('commits the write and its recorded result together', async () => {
    const { engine } = await h.engine();
    const done = await engine.startAndWait('transactional', {}, { waitMs: WAIT });
    expect(done.status).toBe('succeeded');
    expect(await ledgerRows(done.id)).toBe(1);
    const [record] = await recorded(done.id);
    expect(record).toMatchObject({ node_id: 'write', kind: 'process', seq: 1, result: { rows: 1 } });
    const write = (await h.steps(done.id)).find((s) => s.nodeId === 'write');
    expect(write?.output).toEqual(record?.result);
  });

  it('does not write again when the node runs again after a crash between the commit and its checkpoint', { timeout: 60_000 }, async () => {
    const { engine } = await h.engine({ leaseMs: 1_000 });
    const created = await engine.store.create({ workflow: 'transactional', event: {} });
    const runId = created.run.id;
    await h.query('INSERT INTO flags (name) VALUES ($1)', [`lose-checkpoint:${runId}`]);
    await engine.queue.enqueue(runId);

    // the first claim commits the write, then its checkpoint is lost: the worker gives the run up,
    // its lease expires, the sweeper queues it again, and the second claim runs `write` again
    const done = await engine.waitFor(runId, WAIT);
    expect(done.status).toBe('succeeded');
    expect(done.attempt).toBe(2);
    expect(await h.executions(runId)).toEqual({ write: 2 });
    expect(await ledgerRows(runId)).toBe(1); // the domain write happened once
    const [record] = await recorded(runId);
    const steps = await h.steps(runId);
    expect(steps.map((s) => [s.nodeId, s.status])).toEqual([
      ['write', 'succeeded'],
      ['read', 'succeeded'],
    ]);
    // the node got the recorded result (a token no second execution of the work could repeat)
    expect(steps[0]?.output).toEqual(record?.result);
    expect(steps[1]?.output).toEqual({ token: record?.result.token });
  });

  it('leaves no record when the transaction fails, and the retry writes normally', async () => {
    const { engine } = await h.engine();
    const created = await engine.store.create({ workflow: 'transactional', event: {} });
    const runId = created.run.id;
    await h.query('INSERT INTO flags (name) VALUES ($1)', [`rollback:${runId}`]);
    await engine.queue.enqueue(runId);
    const done = await engine.waitFor(runId, WAIT);
    expect(done.status).toBe('succeeded');
    const steps = (await h.steps(runId)).filter((s) => s.nodeId === 'write');
    expect(steps.map((s) => [s.attempt, s.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(steps[0]?.error).toMatchObject({ message: 'the transaction fails after its write', willRetry: true });
    expect(await ledgerRows(runId)).toBe(1);
    const records = await recorded(runId);
    expect(records).toHaveLength(1);
    expect(records[0]?.result.rows).toBe(1); // the rolled-back write was not seen
  });
});
