/**
 * POST /api/v1/stripe/webhooks: each event processed once however often it comes, in any order,
 * never moving a settled payment back; forged, stale or missing signatures answer 400 and write
 * nothing. Run on the simulated gateway and on the Stripe SDK with the stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/modules/payments/gateway/index.js';
import { signWebhookPayload } from '../../src/modules/payments/gateway/webhook-signature.js';
import { ensureCustomer } from '../../src/modules/payments/customers.js';
import { createPaymentWorld, gatewayKinds, WEBHOOK_SECRET, type Family, type PaymentWorld } from './fixture.js';

describe.each(gatewayKinds)('webhooks on the %s gateway', (kind) => {
  let w: PaymentWorld;
  let f: Family;
  let keys = 0;

  beforeAll(async () => {
    w = await createPaymentWorld(kind);
    f = await w.family();
    await w.pauseDeliveries();
  });
  afterAll(async () => {
    await w?.close();
  });

  const eventsOf = async (type: string, objectId: string): Promise<StoredEvent[]> => (await w.sim.events({ type })).filter((e) => e.event.data.object.id === objectId);
  const payment = async (id: number) => (await w.sql<Record<string, unknown>>('SELECT * FROM payments WHERE id = $1', [id]))[0]!;
  const ledgerCount = async (paymentId: number) => (await w.sql<{ n: number }>('SELECT count(*)::int AS n FROM ledger_entries WHERE payment_id = $1', [paymentId]))[0]!.n;

  /** A payment charged at the gateway whose worker died before recording anything (attempt `attempt`). */
  async function chargedNotRecorded(card: string, attempt = 1, existing?: number) {
    let paymentId = existing;
    if (paymentId === undefined) {
      const [row] = await w.sql<{ id: number }>(
        `INSERT INTO payments (parent_id, student_id, amount_cents, description, gateway, status, attempt_count)
         VALUES ($1, $2, 4000, 'Cello lesson', $3, 'processing', $4) RETURNING id`,
        [f.parent.id, f.children[0], kind, attempt],
      );
      paymentId = row!.id;
    } else {
      await w.sql(`UPDATE payments SET status = 'processing', attempt_count = $2 WHERE id = $1`, [paymentId, attempt]);
    }
    await w.sql('INSERT INTO payment_attempts (payment_id, attempt) VALUES ($1, $2)', [paymentId, attempt]);
    const customerId = await ensureCustomer(w.stack.services, f.parent.id);
    const intent = await w.stack.services.gateway.confirmPayment(
      { customerId, paymentMethodId: card, amountCents: 4000, currency: 'CAD', metadata: { paymentId: String(paymentId), attempt: String(attempt) } },
      { idempotencyKey: `webhook-test-${kind}-${(keys += 1)}` },
    );
    return { paymentId, intent };
  }

  it('processes an event delivered three times once', async () => {
    const { paymentId, intent } = await chargedNotRecorded('pm_card_visa');
    const [event] = await eventsOf('payment_intent.succeeded', intent.id);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await w.postWebhook(event!.payload));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.json().duplicate)).toEqual([false, true, true]);
    expect(await payment(paymentId)).toMatchObject({ status: 'succeeded', gateway_payment_intent_id: intent.id });
    expect(await ledgerCount(paymentId)).toBe(1);
    const rows = await w.sql<{ status: string; attempts: number }>('SELECT status, attempts FROM webhook_events WHERE id = $1', [event!.event.id]);
    expect(rows).toEqual([{ status: 'processed', attempts: 1 }]);
    // three concurrent deliveries of another event: still one effect
    const second = await chargedNotRecorded('pm_card_mastercard');
    const [again] = await eventsOf('payment_intent.succeeded', second.intent.id);
    const concurrent = await Promise.all([1, 2, 3].map(() => w.postWebhook(again!.payload)));
    expect(concurrent.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(concurrent.filter((r) => !r.json().duplicate)).toHaveLength(1);
    expect(await ledgerCount(second.paymentId)).toBe(1);
  });

  it('keeps a succeeded payment succeeded whatever the order of its events', async () => {
    const first = await chargedNotRecorded('pm_card_chargeCustomerFail', 1);
    const second = await chargedNotRecorded('pm_card_visa', 2, first.paymentId);
    const [failed] = await eventsOf('payment_intent.payment_failed', first.intent.id);
    const [succeeded] = await eventsOf('payment_intent.succeeded', second.intent.id);
    for (const event of [succeeded!, failed!, succeeded!, failed!, failed!, succeeded!]) expect((await w.postWebhook(event.payload)).statusCode).toBe(200);
    expect(await payment(first.paymentId)).toMatchObject({ status: 'succeeded', attempt_count: 2, failure_code: null });
    expect(await ledgerCount(first.paymentId)).toBe(1);
    const attempts = await w.sql<{ attempt: number; status: string }>('SELECT attempt, status FROM payment_attempts WHERE payment_id = $1 ORDER BY attempt', [first.paymentId]);
    expect(attempts).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'succeeded' },
    ]);
  });

  it('records a refund delivered before the payment it refunds', async () => {
    const { paymentId, intent } = await chargedNotRecorded('pm_card_visa');
    const refund = await w.stack.services.gateway.refund({ paymentIntentId: intent.id, amountCents: 1500 }, { idempotencyKey: `webhook-refund-${kind}` });
    const [refunded] = (await w.sim.events({ type: 'charge.refunded' })).filter((e) => e.event.data.object.payment_intent === intent.id);
    const [succeeded] = await eventsOf('payment_intent.succeeded', intent.id);
    for (const event of [refunded!, refunded!, succeeded!, refunded!, succeeded!]) expect((await w.postWebhook(event.payload)).statusCode).toBe(200);
    expect(await payment(paymentId)).toMatchObject({ status: 'partially_refunded', refunded_cents: 1500, paid_at: expect.any(Date) });
    const ledger = await w.sql<{ kind: string; amount_cents: number; gateway_object_id: string }>(
      'SELECT kind, amount_cents, gateway_object_id FROM ledger_entries WHERE payment_id = $1 ORDER BY kind',
      [paymentId],
    );
    expect(ledger).toEqual([
      { kind: 'payment', amount_cents: 4000, gateway_object_id: intent.id },
      { kind: 'refund', amount_cents: -1500, gateway_object_id: refund.id },
    ]);
  });

  it('applies subscription changes by event time: an older one never overwrites a newer one', async () => {
    await w.resumeDeliveries();
    const pm = await w.stack.app.inject({
      method: 'POST',
      url: `/api/v1/billing/${f.parent.id}/payment-methods`,
      headers: f.parent.headers,
      payload: { paymentMethod: 'pm_card_visa', makeDefault: true },
    });
    expect(pm.statusCode, pm.body).toBe(201);
    const started = await w.stack.app.inject({
      method: 'POST',
      url: `/api/v1/billing/${f.parent.id}/subscription`,
      headers: w.admin.headers,
      payload: { action: 'start', studentId: f.children[0], interval: 'month' },
    });
    expect(started.statusCode, started.body).toBe(200);
    await w.idle();
    await w.pauseDeliveries();
    const sub = started.json();
    const now = Math.floor(Date.now() / 1000);
    const event = (id: string, type: string, created: number, status: string) =>
      JSON.stringify({
        id,
        object: 'event',
        type,
        created,
        data: { object: { id: sub.gatewaySubscriptionId, object: 'subscription', status, cancel_at_period_end: false, canceled_at: null, metadata: {} } },
      });
    const newer = event(`evt_newer_${kind}`, 'customer.subscription.updated', now + 20, 'past_due');
    const older = event(`evt_older_${kind}`, 'customer.subscription.updated', now + 10, 'active');
    const deleted = event(`evt_deleted_${kind}`, 'customer.subscription.deleted', now + 30, 'canceled');
    const resurrect = event(`evt_late_${kind}`, 'customer.subscription.updated', now + 40, 'active');
    const status = async () => (await w.sql<{ status: string }>('SELECT status FROM lesson_subscriptions WHERE id = $1', [sub.id]))[0]!.status;
    for (const payload of [newer, newer, older, newer]) expect((await w.postWebhook(payload)).statusCode).toBe(200);
    expect(await status()).toBe('past_due');
    for (const payload of [deleted, resurrect, older, deleted]) expect((await w.postWebhook(payload)).statusCode).toBe(200);
    expect(await status()).toBe('canceled');
  });

  it('refuses forged, stale and unsigned deliveries, and writes nothing', async () => {
    const { paymentId, intent } = await chargedNotRecorded('pm_card_visa');
    const [event] = await eventsOf('payment_intent.succeeded', intent.id);
    const payload = event!.payload;
    const forged = payload.replace('"amount":4000', '"amount":1');
    const cases: Array<[string, string, string | null]> = [
      ['a tampered body', forged, signWebhookPayload(payload, WEBHOOK_SECRET)],
      ['the wrong secret', payload, signWebhookPayload(payload, 'whsec_not_the_school_secret_0000000000')],
      ['a stale timestamp', payload, signWebhookPayload(payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 3600)],
      ['garbage', payload, 't=1,v1=deadbeef'],
      ['no signature', payload, null],
    ];
    for (const [name, body, signature] of cases) {
      const res = await w.postWebhook(body, signature);
      expect(res.statusCode, name).toBe(400);
      expect(res.json().error.code, name).toBe('bad_request');
    }
    expect(await w.sql('SELECT 1 FROM webhook_events WHERE id = $1', [event!.event.id])).toEqual([]);
    expect(await payment(paymentId)).toMatchObject({ status: 'processing' });
    expect(await ledgerCount(paymentId)).toBe(0);
    // the genuine delivery still works afterwards
    expect((await w.postWebhook(payload)).json()).toMatchObject({ received: true, duplicate: false });
    expect(await ledgerCount(paymentId)).toBe(1);
  });

  it('acknowledges event types it does not act on', async () => {
    const payload = JSON.stringify({
      id: `evt_other_${kind}`,
      object: 'event',
      type: 'customer.created',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'cus_x', object: 'customer' } },
    });
    expect((await w.postWebhook(payload)).json()).toMatchObject({ received: true, duplicate: false, type: 'customer.created' });
    expect((await w.postWebhook(payload)).json()).toMatchObject({ duplicate: true });
  });
});
