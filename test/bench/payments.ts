/**
 * Payments: the payment workflow as a client sees it, and webhook handling throughput.
 *
 * The real server process (`src/main.ts serve`, embedded worker, simulated gateway) runs on a
 * scratch PostgreSQL database with 100 families.
 * - workflow latency: LATENCY_RUNS sequential `POST /api/v1/payments/process` (each answers when
 *   its run has ended: prepare → charge → outcome → record → receipt), after 20 warm-up runs;
 *   every 10th card declines (failure path: record, dunning plan, parent and admin notices).
 *   p50 / p95 of the request, and of the run itself (created_at → finished_at). Target p95 < 300 ms.
 * - webhooks: WEBHOOK_EVENTS signed `payment_intent.succeeded` events, each for a payment charged
 *   but not yet recorded (so each does the full recording: ledger entry, payment, attempt), POSTed
 *   by autocannon with 32 connections; then the same events again (all duplicates). Events/s for both.
 *   Target ≥ 500 events/s. Outputs are checked (one ledger entry per event).
 *
 * `BENCH_ONLY=payments npx tsx test/bench/run.ts`; PostgreSQL from BENCH_DATABASE_URL.
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { AccessTokens } from '../../src/modules/auth/tokens.js';
import { signWebhookPayload } from '../../src/modules/payments/gateway/webhook-signature.js';
import { fmt, freePort, scratchDatabase, startProcess, stopProcess, waitFor200 } from './lib.js';
import { percentile } from './load.js';

const LATENCY_RUNS = Number(process.env.BENCH_PAYMENT_RUNS ?? 200);
const WEBHOOK_EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 3000);
const IN_FLIGHT = 32;
const FAMILIES = 100;
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const WEBHOOK_SECRET = 'whsec_bench_payments_0123456789abcdef';

export interface PaymentFigures {
  runs: number;
  declined: number;
  requestP50Ms: number;
  requestP95Ms: number;
  runP50Ms: number;
  runP95Ms: number;
  webhookEvents: number;
  webhookPerSecond: number;
  duplicatePerSecond: number;
}

const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);

/** Sends every body once to `url` with autocannon, `IN_FLIGHT` at a time; returns the elapsed seconds. */
async function blast(url: string, bodies: string[], signatureOf: (body: string) => string): Promise<number> {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: IN_FLIGHT,
        amount: bodies.length,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const body = bodies[next++ % bodies.length]!;
              return { ...request, body, headers: { 'content-type': 'application/json', 'stripe-signature': signatureOf(body) } };
            },
          },
        ],
      },
      (error) => (error ? reject(error) : resolve()),
    );
    instance.on('response', (_client: unknown, statusCode: number) => {
      if (statusCode !== 200) failures += 1;
    });
  });
  if (failures > 0) throw new Error(`${failures} webhook deliveries were not answered 200`);
  return (performance.now() - started) / 1000;
}

async function families(client: pg.Client): Promise<Array<{ parentId: number; studentId: number; email: string }>> {
  const rows = await client.query<{ parent_id: number; student_id: number; email: string }>(
    `WITH parents AS (
       INSERT INTO users (email, first_name, last_name, role)
       SELECT 'bench.parent.' || g || '@bench.example', 'Parent' || g, 'Bench', 'parent' FROM generate_series(1, $1) g RETURNING id, email)
     , kids AS (
       INSERT INTO students (parent_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
       SELECT id, 'Kid', 'Bench', '2014-01-01', 'piano', 4500 FROM parents RETURNING id, parent_id)
     SELECT k.parent_id, k.id AS student_id, p.email FROM kids k JOIN parents p ON p.id = k.parent_id ORDER BY k.id`,
    [FAMILIES],
  );
  return rows.rows.map((r) => ({ parentId: r.parent_id, studentId: r.student_id, email: r.email }));
}

/** Payments charged at the gateway but not yet recorded, and the webhook event of each charge. */
async function unrecordedCharges(client: pg.Client, fams: Array<{ parentId: number; studentId: number }>): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const ids = await client.query<{ id: number; parent_id: number }>(
    `INSERT INTO payments (parent_id, student_id, amount_cents, description, gateway, status, attempt_count)
     SELECT f.parent_id, f.student_id, 4500, 'Bench lesson', 'simulated', 'processing', 1
     FROM unnest($1::int[], $2::int[]) AS f(parent_id, student_id), generate_series(1, $3) g
     RETURNING id, parent_id`,
    [fams.map((f) => f.parentId), fams.map((f) => f.studentId), Math.ceil(WEBHOOK_EVENTS / fams.length)],
  );
  const rows = ids.rows.slice(0, WEBHOOK_EVENTS);
  await client.query('INSERT INTO payment_attempts (payment_id, attempt) SELECT unnest($1::int[]), 1', [rows.map((r) => r.id)]);
  return rows.map((r) =>
    JSON.stringify({
      id: `evt_bench_${r.id}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: now,
      data: {
        object: {
          id: `pi_bench_${r.id}`,
          object: 'payment_intent',
          amount: 4500,
          amount_received: 4500,
          currency: 'cad',
          status: 'succeeded',
          created: now,
          latest_charge: `ch_bench_${r.id}`,
          payment_method: 'pm_bench',
          customer: null,
          metadata: { paymentId: String(r.id), attempt: '1', parentId: String(r.parent_id) },
        },
      },
    }),
  );
}

export async function benchPayments(): Promise<PaymentFigures> {
  const db = await scratchDatabase('ch_bench_pay');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = startProcess('serve', {
    DATABASE_URL: db.url,
    JWT_SECRET,
    PORT: String(port),
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    RATE_LIMIT_MAX: '0',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    WORKER_CONCURRENCY: '16',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new pg.Client({ connectionString: db.url });
  try {
    await waitFor200(`${base}/health`, performance.now()).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${stderr}`);
    });
    await client.connect();
    const fams = await families(client);
    const tokens = new AccessTokens(JWT_SECRET);
    const headers = await Promise.all(
      fams.map(async (f) => ({ 'content-type': 'application/json', authorization: `Bearer ${await tokens.sign({ userId: f.parentId, role: 'parent', email: f.email })}` })),
    );

    const pay = async (i: number): Promise<{ ms: number; runId: string; status: string }> => {
      const f = fams[i % fams.length]!;
      const body = { studentId: f.studentId, amountCents: 4500, paymentMethodId: i % 10 === 9 ? 'pm_card_chargeDeclined' : 'pm_card_visa', description: `Lesson ${i}` };
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/payments/process`, { method: 'POST', headers: headers[i % fams.length]!, body: JSON.stringify(body) });
      const json = (await res.json()) as { runId: string; status: string };
      if (res.status !== 200) throw new Error(`process answered ${res.status}: ${JSON.stringify(json)}`);
      return { ms: performance.now() - started, runId: json.runId, status: json.status };
    };
    for (let i = 0; i < 20; i++) await pay(i);
    const results: Array<{ ms: number; runId: string; status: string }> = [];
    for (let i = 0; i < LATENCY_RUNS; i++) results.push(await pay(i));
    const expectedDeclines = results.filter((_r, i) => i % 10 === 9).length;
    const declined = results.filter((r) => r.status === 'failed').length;
    if (declined !== expectedDeclines || results.some((r, i) => r.status !== (i % 10 === 9 ? 'failed' : 'succeeded'))) throw new Error('unexpected payment outcomes');
    const runTimes = await client.query<{ ms: number }>(`SELECT extract(epoch FROM finished_at - created_at) * 1000 AS ms FROM workflow_runs WHERE id = ANY($1::uuid[])`, [
      results.map((r) => r.runId),
    ]);
    const requestTimes = sorted(results.map((r) => r.ms));
    const runs = sorted(runTimes.rows.map((r) => Number(r.ms)));

    const events = await unrecordedCharges(client, fams);
    const signed = new Map(events.map((e) => [e, signWebhookPayload(e, WEBHOOK_SECRET)]));
    const url = `${base}/api/v1/stripe/webhooks`;
    const firstSeconds = await blast(url, events, (e) => signed.get(e)!);
    const duplicateSeconds = await blast(url, events, (e) => signed.get(e)!);
    const [check] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_entries WHERE gateway_object_id LIKE 'pi_bench_%'`)).rows;
    if (check?.n !== events.length) throw new Error(`expected ${events.length} ledger entries from the webhooks, found ${check?.n}`);
    return {
      runs: results.length,
      declined,
      requestP50Ms: percentile(requestTimes, 50),
      requestP95Ms: percentile(requestTimes, 95),
      runP50Ms: percentile(runs, 50),
      runP95Ms: percentile(runs, 95),
      webhookEvents: events.length,
      webhookPerSecond: events.length / firstSeconds,
      duplicatePerSecond: events.length / duplicateSeconds,
    };
  } finally {
    await client.end().catch(() => undefined);
    await stopProcess(child);
    await db.drop();
  }
}

export function printPayments(f: PaymentFigures): void {
  console.log(`\nPayments on PostgreSQL, simulated gateway, server process with its embedded worker (targets: workflow p95 < 300 ms; ≥ 500 webhook events/s)`);
  console.log('| measure | p50 | p95 |');
  console.log('|---|---:|---:|');
  console.log(
    `| POST /api/v1/payments/process, answered when the run ends (${f.runs} sequential, ${f.declined} declined) | ${fmt(f.requestP50Ms)} ms | ${fmt(f.requestP95Ms)} ms |`,
  );
  console.log(`| payment run itself (created → finished) | ${fmt(f.runP50Ms)} ms | ${fmt(f.runP95Ms)} ms |`);
  console.log('\n| webhook events (signed, 32 connections) | events | events/s |');
  console.log('|---|---:|---:|');
  console.log(`| new payment_intent.succeeded (full recording) | ${f.webhookEvents} | ${fmt(f.webhookPerSecond, 0)} |`);
  console.log(`| the same events again (duplicates) | ${f.webhookEvents} | ${fmt(f.duplicatePerSecond, 0)} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printPayments(await benchPayments());
}
