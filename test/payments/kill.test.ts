/**
 * Exactly-once money across a crash: the school's real worker (`tsx src/main.ts worker`) charges a
 * card through the Stripe SDK at the local stand-in and is SIGKILLed after the stand-in has made
 * the charge but before it answered. A second worker process resumes the run: the charge node
 * runs again with the same idempotency key, the stand-in replays the same payment intent, and the
 * school records one payment, one ledger entry and one receipt.
 *
 * Needs real PostgreSQL (PGlite lives inside one process): runs when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/app.js';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../helpers/db.js';
import { startSchoolWorker, type SchoolWorker } from '../helpers/school-worker.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { startStripeStandIn, type StripeStandIn } from '../helpers/stripe-stand-in.js';

const SECRET = 'whsec_kill_test_secret_0123456789abcdef';

describe.runIf(onRealPostgres)('a worker killed between charging and recording', () => {
  let database: TestDatabase;
  let standIn: StripeStandIn;
  let stack: TestStack;
  const workers: SchoolWorker[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    standIn = await startStripeStandIn(database.db.sql, { webhookSecret: SECRET });
    const env = { STRIPE_SECRET_KEY: 'sk_test_killtest', STRIPE_API_URL: standIn.url, STRIPE_WEBHOOK_SECRET: SECRET };
    // this process only serves the API and starts runs; the workers are other processes
    stack = await createTestStack({ database, env, startWorker: false });
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await standIn?.close();
    await stack?.close();
  });

  it('resumes the run in a new worker and charges the card once', { timeout: 120_000 }, async () => {
    const env = {
      DATABASE_URL: database.url!,
      DATABASE_POOL_SIZE: '4',
      WORKER_CONCURRENCY: '2',
      STRIPE_SECRET_KEY: 'sk_test_killtest',
      STRIPE_API_URL: standIn.url,
      STRIPE_WEBHOOK_SECRET: SECRET,
    };
    const parent = await createUser(database.db, 'parent');
    const teacher = await createUser(database.db, 'teacher');
    const [student] = await database.db.sql.query<{ id: number }>(
      `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       VALUES ($1, $2, 'Kai', 'Killtest', '2013-01-01', 'violin', 5000) RETURNING id`,
      [parent.id, teacher.teacherId],
    );
    // The gateway's webhooks wait until the end: the resumed worker, not the webhook, must record.
    const deliveries: Array<{ payload: string; signature: string }> = [];
    standIn.sim.setWebhookDelivery(async (payload, signature) => void deliveries.push({ payload, signature }));
    const held = standIn.holdResponse('/v1/payment_intents', 'POST');

    const first = startSchoolWorker(env);
    workers.push(first);
    await first.ready;
    const answer = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/payments/process',
      headers: parent.headers,
      payload: { studentId: student!.id, amountCents: 5000, paymentMethodId: 'pm_card_visa', description: 'Violin lesson' },
    });
    // the worker is stuck at the gateway, so the request answers 202 after 2 s
    expect(answer.statusCode, answer.body).toBe(202);
    const { paymentId, runId, status, statusUrl } = answer.json();
    expect(status).toBe('pending');
    expect(statusUrl).toBe(`/api/v1/payments/${paymentId}`);

    const charged = await held.reached;
    const chargeKey = charged.idempotencyKey;
    expect(chargeKey).toBe(`${runId}:charge`);
    const intentsNow = (await standIn.sim.stripe.listPaymentIntents({ from: new Date(0), to: new Date(Date.now() + 86_400_000) })).filter(
      (pi) => pi.metadata.paymentId === String(paymentId),
    );
    expect(intentsNow.map((pi) => pi.status)).toEqual(['succeeded']); // the card is charged…
    const [before] = await database.db.sql.query<{ status: string }>('SELECT status FROM payments WHERE id = $1', [paymentId]);
    expect(before!.status).toBe('processing'); // …and nothing is recorded yet

    const exited = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
    first.child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    held.release('drop');

    const second = startSchoolWorker(env);
    workers.push(second);
    await second.ready;
    const done = await stack.engine.waitFor(runId, 60_000);
    expect(done.status, `${done.status} ${JSON.stringify(done.error)}\n${second.output()}`).toBe('succeeded');
    expect(done.attempt).toBe(2); // claimed by the first worker, then by the second

    // the charge request went out twice with the same key; the gateway made one charge
    const chargeCalls = standIn.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    expect(chargeCalls.map((r) => r.idempotencyKey)).toEqual([chargeKey, chargeKey]);
    const intents = (await standIn.sim.stripe.listPaymentIntents({ from: new Date(0), to: new Date(Date.now() + 86_400_000) })).filter(
      (pi) => pi.metadata.paymentId === String(paymentId),
    );
    expect(intents).toHaveLength(1);
    const sql = database.db.sql;
    expect(await sql.query('SELECT status, gateway_payment_intent_id, attempt_count FROM payments WHERE id = $1', [paymentId])).toEqual([
      { status: 'succeeded', gateway_payment_intent_id: intents[0]!.id, attempt_count: 1 },
    ]);
    expect(await sql.query('SELECT kind, amount_cents FROM ledger_entries WHERE payment_id = $1', [paymentId])).toEqual([{ kind: 'payment', amount_cents: 5000 }]);
    const receipts = await sql.query(
      `SELECT id FROM workflow_runs WHERE workflow_name = 'notification' AND event->>'template' = 'payment_receipt' AND (event->>'userId')::int = $1`,
      [parent.id],
    );
    expect(receipts).toHaveLength(1);

    // the gateway's webhooks arrive late, twice: nothing changes
    for (const d of [...deliveries, ...deliveries]) {
      const res = await stack.app.inject({
        method: 'POST',
        url: '/api/v1/stripe/webhooks',
        headers: { 'content-type': 'application/json', 'stripe-signature': d.signature },
        payload: d.payload,
      });
      expect(res.statusCode).toBe(200);
    }
    expect(await sql.query('SELECT count(*)::int AS n FROM ledger_entries WHERE payment_id = $1', [paymentId])).toEqual([{ n: 1 }]);
    const view = await stack.app.inject({ method: 'GET', url: `/api/v1/payments/${paymentId}`, headers: parent.headers });
    expect(view.json()).toMatchObject({ status: 'succeeded', receiptNumber: expect.stringMatching(/^R-/) });
  });
});
