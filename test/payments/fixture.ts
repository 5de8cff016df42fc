/**
 * A school ready to take payments, on a fresh test database, with one of two gateways:
 * - `simulated`: the default simulated gateway; its webhooks reach the processing in-process
 *   (the wiring `registerPaymentWorkflows` does, as in production);
 * - `stripe`: the real `stripe` SDK (STRIPE_SECRET_KEY + STRIPE_API_URL) against the local Stripe
 *   stand-in; its webhooks are POSTed, signed, to /api/v1/stripe/webhooks.
 * Both keep the gateway's state in `sim` (the simulated gateway, or the one behind the stand-in).
 */
import type { LightMyRequestResponse } from 'fastify';
import { SimulatedGateway } from '../../src/modules/payments/gateway/index.js';
import { signWebhookPayload } from '../../src/modules/payments/gateway/webhook-signature.js';
import { connectGatewayWebhooks, PAYMENT_RETRIES_WORKFLOW } from '../../src/modules/payments/workflows/index.js';
import { createUser } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { createTestStack, type TestStack } from '../helpers/stack.js';
import { startStripeStandIn, type StripeStandIn } from '../helpers/stripe-stand-in.js';

export type GatewayKind = 'simulated' | 'stripe';
export const gatewayKinds: GatewayKind[] = ['simulated', 'stripe'];
export const WEBHOOK_SECRET = 'whsec_payments_test_secret_0123456789abcdef';

export type User = Awaited<ReturnType<typeof createUser>>;

export interface Family {
  parent: User;
  children: number[];
}

export interface PaymentWorld {
  kind: GatewayKind;
  stack: TestStack;
  sim: SimulatedGateway;
  standIn: StripeStandIn | undefined;
  admin: User;
  teacher: User;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** A parent with `children` students (lesson rate 4500 cents). */
  family(children?: number): Promise<Family>;
  /** A scheduled lesson of the student, `days` from now. */
  lesson(studentId: number, days?: number): Promise<number>;
  process(user: User, body: Record<string, unknown>, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Waits until every webhook the gateway queued so far has been delivered and processed. */
  idle(): Promise<void>;
  /** POSTs a raw body to the webhook route, signed with the school's secret unless a header is given. */
  postWebhook(payload: string, signature?: string | null): Promise<LightMyRequestResponse>;
  /** Runs `payment-retries` now and waits for the payment runs it started. */
  runDueRetries(): Promise<string[]>;
  /** Makes the planned retries of these payments (default: all) due now, as if the days of the dunning schedule had passed. */
  makeRetriesDue(paymentIds?: number[]): Promise<void>;
  /** Stops / restarts the automatic delivery of the gateway's webhooks (events stay pending meanwhile). */
  pauseDeliveries(): Promise<void>;
  resumeDeliveries(): void;
  /** Gateway objects made so far (any call that changed the gateway makes at least one). */
  gatewayObjects(): Promise<number>;
  close(): Promise<void>;
}

let counter = 0;

/** `env`: more configuration (e.g. SMTP_URL of a test SMTP sink). */
export async function createPaymentWorld(kind: GatewayKind, options: { env?: Record<string, string> } = {}): Promise<PaymentWorld> {
  const database = await createTestDatabase();
  let standIn: StripeStandIn | undefined;
  let stack: TestStack;
  if (kind === 'stripe') {
    standIn = await startStripeStandIn(database.db.sql, { webhookSecret: WEBHOOK_SECRET });
    stack = await createTestStack({
      database,
      env: { STRIPE_SECRET_KEY: 'sk_test_cedarheights', STRIPE_API_URL: standIn.url, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, ...options.env },
    });
  } else {
    stack = await createTestStack({ database, env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, ...options.env } });
  }
  const sim = standIn?.sim ?? (stack.services.gateway as SimulatedGateway);
  if (kind === 'stripe' && !(stack.services.gateway.name === 'stripe')) throw new Error('expected the Stripe gateway');
  if (kind === 'simulated' && !(sim instanceof SimulatedGateway)) throw new Error('expected the simulated gateway');
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database.db.sql.query<T>(text, params);
  const app = stack.app;
  const postWebhook = (payload: string, signature?: string | null) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/stripe/webhooks',
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature ?? signWebhookPayload(payload, WEBHOOK_SECRET) }) },
      payload,
    });
  const connect = (): void => {
    if (!standIn) {
      connectGatewayWebhooks(stack.services);
      return;
    }
    // Stripe delivers over HTTP: every event of the stand-in is POSTed to the webhook route.
    standIn.sim.setWebhookDelivery(async (payload, signature) => {
      const res = await postWebhook(payload, signature);
      if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode}: ${res.body}`);
    });
  };
  connect();
  const admin = await createUser(database.db, 'admin');
  const teacher = await createUser(database.db, 'teacher');

  const world: PaymentWorld = {
    kind,
    stack,
    sim,
    standIn,
    admin,
    teacher,
    sql,
    async family(children = 1) {
      const parent = await createUser(database.db, 'parent');
      const ids: number[] = [];
      for (let i = 0; i < children; i++) {
        counter += 1;
        const [row] = await sql<{ id: number }>(
          `INSERT INTO students (parent_id, teacher_id, first_name, last_name, date_of_birth, instrument, lesson_rate_cents)
           VALUES ($1, $2, $3, 'Payer', '2014-02-03', 'piano', 4500) RETURNING id`,
          [parent.id, teacher.teacherId, `Kid${counter}`],
        );
        ids.push(row!.id);
      }
      return { parent, children: ids };
    },
    async lesson(studentId, days = 3) {
      const [row] = await sql<{ id: number }>(
        `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
         VALUES ($1, $2, date_trunc('hour', now()) + make_interval(days => $3, hours => $4), 30,
                 date_trunc('hour', now()) + make_interval(days => $3, hours => $4) + interval '30 minutes') RETURNING id`,
        [studentId, teacher.teacherId, days, (counter += 1) % 200],
      );
      return row!.id;
    },
    process: (user, body, headers = {}) => app.inject({ method: 'POST', url: '/api/v1/payments/process', headers: { ...user.headers, ...headers }, payload: body }),
    async idle() {
      await sim.deliveriesIdle();
    },
    postWebhook,
    async runDueRetries() {
      const run = await stack.engine.startAndWait(PAYMENT_RETRIES_WORKFLOW, { firedAt: new Date().toISOString() }, { waitMs: 30_000 });
      if (run.status !== 'succeeded') throw new Error(`payment-retries ended ${run.status}: ${JSON.stringify(run.error)}`);
      const view = await stack.engine.view(run.id);
      const output = view?.nodes.find((n) => n.nodeId === 'start-due-retries')?.output as { started: string[] } | undefined;
      const started = output?.started ?? [];
      for (const id of started) await stack.engine.waitFor(id, 30_000);
      return started;
    },
    async makeRetriesDue(paymentIds) {
      await sql(`UPDATE payments SET next_retry_at = now() - interval '1 second' WHERE next_retry_at IS NOT NULL AND ($1::int[] IS NULL OR id = ANY ($1))`, [paymentIds ?? null]);
    },
    async pauseDeliveries() {
      await sim.deliveriesIdle();
      sim.setWebhookDelivery(null);
    },
    resumeDeliveries: connect,
    async gatewayObjects() {
      const [row] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM sim_gateway_objects WHERE object <> 'test_clock'`);
      return row!.n + (standIn ? standIn.requests.filter((r) => r.method !== 'GET').length : 0);
    },
    async close() {
      await standIn?.close();
      await sim.deliveriesIdle();
      await stack.close();
    },
  };
  return world;
}

/** The ids of the runs of `workflow` whose idempotency key starts with `prefix`. */
export async function runsOf(world: PaymentWorld, workflow: string, keyPrefix: string): Promise<Array<{ id: string; event: Record<string, unknown> }>> {
  return world.sql<{ id: string; event: Record<string, unknown> }>(`SELECT id, event FROM workflow_runs WHERE workflow_name = $1 AND idempotency_key LIKE $2 ORDER BY created_at`, [
    workflow,
    `${keyPrefix}%`,
  ]);
}
