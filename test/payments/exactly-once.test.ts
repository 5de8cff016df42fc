/**
 * The payment row is made once: `prepare` creates (or claims) it in `ctx.transaction`, and when the
 * node fails after that transaction committed, before its checkpoint, the retry gets the recorded
 * result instead of inserting a second row or finding its own claim already taken.
 *
 * The failure is a trigger that refuses the first write after the transaction (the UPDATE recording
 * the customer and method) of the next marked payment: a sequence, reset by each test, counts those
 * writes, since a sequence is not rolled back with the failed statement. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_WORKFLOW } from '../../src/modules/payments/workflows/index.js';
import { createPaymentWorld, type PaymentWorld } from './fixture.js';

const MARK = 'exactly-once:';

const failOnceSql = `
  CREATE SEQUENCE marked_writes;
  CREATE FUNCTION fail_after_claim() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.description LIKE '${MARK}%' AND NEW.gateway_customer_id IS DISTINCT FROM OLD.gateway_customer_id THEN
      IF nextval('marked_writes') = 1 THEN
        RAISE EXCEPTION 'the write after the claim fails once';
      END IF;
    END IF;
    RETURN NEW;
  END;
  $$;
  CREATE TRIGGER fail_after_claim BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION fail_after_claim();
`;

let w: PaymentWorld;

beforeAll(async () => {
  w = await createPaymentWorld('simulated');
  await w.stack.database.db.sql.exec(failOnceSql);
});
afterAll(async () => {
  await w?.close();
});

/** The attempts of `prepare` in the run: [attempt, status]. */
const prepareSteps = async (runId: string) =>
  (
    await w.sql<{ attempt: number; status: string }>(`SELECT attempt, status FROM workflow_steps WHERE run_id = $1 AND node_id = 'prepare' AND kind = 'process' ORDER BY id`, [
      runId,
    ])
  ).map((s) => [s.attempt, s.status]);

/** The next marked payment's first write after its claim fails. */
const failNextOnce = () => w.sql(`SELECT setval('marked_writes', 1, false)`);

describe('the payment row of a run', () => {
  it('is created once when prepare fails after its transaction committed', { timeout: 60_000 }, async () => {
    const fam = await w.family();
    const description = `${MARK}created by the run`;
    const event = { studentId: fam.children[0]!, amountCents: 4500, paymentMethodId: 'pm_card_visa', description };
    await failNextOnce();
    const run = await w.stack.engine.startAndWait(PAYMENT_WORKFLOW, event, { waitMs: 30_000 });
    const runId = run.id;
    expect(run.status).toBe('succeeded');

    expect(await prepareSteps(runId)).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    const payments = await w.sql<{ id: number; status: string; attempt_count: number; idempotency_key: string | null; workflow_run_id: string }>(
      'SELECT id, status, attempt_count, idempotency_key, workflow_run_id FROM payments WHERE description = $1',
      [description],
    );
    expect(payments).toEqual([{ id: expect.any(Number), status: 'succeeded', attempt_count: 1, idempotency_key: null, workflow_run_id: runId }]);
    const paymentId = payments[0]!.id;
    const audits = await w.sql(`SELECT 1 FROM audit_log WHERE entity = 'payment' AND action = 'create' AND entity_id = $1`, [String(paymentId)]);
    expect(audits).toHaveLength(1);
    expect(await w.sql('SELECT attempt FROM payment_attempts WHERE payment_id = $1', [paymentId])).toEqual([{ attempt: 1 }]);
    const [recorded] = await w.sql<{ result: unknown }>(`SELECT result FROM workflow_transactions WHERE run_id = $1 AND node_id = 'prepare'`, [runId]);
    expect(recorded?.result).toEqual({ paymentId, claimed: true });
    const prepared = (await w.stack.engine.view(runId))?.nodes.find((n) => n.nodeId === 'prepare')?.output;
    expect(prepared).toMatchObject({ paymentId, attempt: 1, blocked: null });
  });

  it('made by the API is claimed once: the retried prepare charges it, not stopping at its own claim', { timeout: 60_000 }, async () => {
    const fam = await w.family();
    const description = `${MARK}made by the API`;
    await failNextOnce();
    const answer = await w.process(fam.parent, { studentId: fam.children[0], amountCents: 4500, paymentMethodId: 'pm_card_visa', description });
    expect(answer.json()).toMatchObject({ status: 'succeeded' });
    const { runId } = answer.json();
    const run = await w.stack.engine.waitFor(runId, 30_000);
    expect(run.status).toBe('succeeded');
    expect(await prepareSteps(runId)).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    const payments = await w.sql<{ id: number; status: string; attempt_count: number }>('SELECT id, status, attempt_count FROM payments WHERE description = $1', [description]);
    expect(payments).toEqual([{ id: expect.any(Number), status: 'succeeded', attempt_count: 1 }]);
    expect(await w.sql('SELECT attempt FROM payment_attempts WHERE payment_id = $1', [payments[0]!.id])).toEqual([{ attempt: 1 }]);
  });
});
