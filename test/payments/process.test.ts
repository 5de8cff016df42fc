/**
 * The payment workflow end to end through POST /api/v1/payments/process, on the simulated gateway
 * and on the real Stripe SDK against the local stand-in: success (ledger, lesson paid, receipt),
 * a decline with its dunning schedule, retries exhausted (family flagged), and recovery with an
 * updated card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentWorld, gatewayKinds, runsOf, type Family, type PaymentWorld } from './fixture.js';

const DAY = 86_400_000;

describe.each(gatewayKinds)('payment workflow on the %s gateway', (kind) => {
  let w: PaymentWorld;
  beforeAll(async () => {
    w = await createPaymentWorld(kind);
  });
  afterAll(async () => {
    await w?.close();
  });

  const payment = async (id: number) => (await w.sql<Record<string, unknown>>('SELECT * FROM payments WHERE id = $1', [id]))[0]!;
  const ledger = (paymentId: number) =>
    w.sql<{ kind: string; amount_cents: number; gateway_object_id: string }>('SELECT kind, amount_cents, gateway_object_id FROM ledger_entries WHERE payment_id = $1 ORDER BY id', [
      paymentId,
    ]);
  const notifications = async (template: string, userId: number) =>
    (await runsOf(w, 'notification', 'notify:')).filter((r) => r.event.template === template && r.event.userId === userId);
  const intentsOf = async (paymentId: number) =>
    (await w.sim.stripe.listPaymentIntents({ from: new Date(0), to: new Date(Date.now() + 400 * DAY) })).filter((pi) => pi.metadata.paymentId === String(paymentId));

  it('charges once, records the ledger, marks the lesson paid and sends the receipt', async () => {
    const f = await w.family();
    const lessonId = await w.lesson(f.children[0]!);
    const res = await w.process(f.parent, { studentId: f.children[0], amountCents: 4500, paymentMethodId: 'pm_card_visa', description: 'Piano lesson', lessonId });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'succeeded', paymentId: expect.any(Number), runId: expect.any(String) });
    expect(body.failureCode).toBeUndefined();

    const p = await payment(body.paymentId);
    expect(p).toMatchObject({ status: 'succeeded', amount_cents: 4500, parent_id: f.parent.id, lesson_id: lessonId, attempt_count: 1, gateway: kind, workflow_run_id: body.runId });
    expect(p.receipt_number).toBe(`R-${String(body.paymentId).padStart(6, '0')}`);
    const intents = await intentsOf(body.paymentId);
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ status: 'succeeded', amount: 4500, currency: 'cad' });
    expect(await ledger(body.paymentId)).toEqual([{ kind: 'payment', amount_cents: 4500, gateway_object_id: intents[0]!.id }]);
    const [lesson] = await w.sql<{ payment_status: string }>('SELECT payment_status FROM lessons WHERE id = $1', [lessonId]);
    expect(lesson!.payment_status).toBe('paid');
    expect(await notifications('payment_receipt', f.parent.id)).toHaveLength(1);
    const audit = await w.sql<{ action: string; actor_id: number | null }>(`SELECT action, actor_id FROM audit_log WHERE entity = 'payment' AND entity_id = $1 ORDER BY id`, [
      String(body.paymentId),
    ]);
    expect(audit.map((a) => a.action)).toEqual(['create', 'payment.succeeded']);
    expect(audit[0]!.actor_id).toBe(f.parent.id);

    // the gateway's payment_intent.succeeded webhook arrives too: processed once, nothing doubled
    await w.idle();
    const [event] = await w.sql<{ status: string }>(`SELECT status FROM webhook_events WHERE type = 'payment_intent.succeeded' AND object_id = $1`, [intents[0]!.id]);
    expect(event?.status).toBe('processed');
    expect(await ledger(body.paymentId)).toHaveLength(1);
  });

  it('records a decline with its reason, plans a retry 1 day later and tells the parent and the admin', async () => {
    const f = await w.family();
    const lessonId = await w.lesson(f.children[0]!);
    const res = await w.process(w.admin, {
      studentId: f.children[0],
      amountCents: 6000,
      paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds',
      description: 'Voice lesson',
      lessonId,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'failed', failureCode: 'insufficient_funds', retryScheduledAt: expect.any(String) });
    const p = await payment(body.paymentId);
    expect(p).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds', attempt_count: 1, dunning_exhausted_at: null });
    const first = (p.first_failed_at as Date).getTime();
    expect((p.next_retry_at as Date).getTime() - first).toBe(DAY);
    expect(new Date(body.retryScheduledAt).getTime()).toBe(first + DAY);
    expect(await ledger(body.paymentId)).toEqual([]);
    const [lesson] = await w.sql<{ payment_status: string }>('SELECT payment_status FROM lessons WHERE id = $1', [lessonId]);
    expect(lesson!.payment_status).toBe('failed');
    const [parentNotice] = await notifications('payment_failed', f.parent.id);
    expect(parentNotice?.event.data).toMatchObject({ amountCents: 6000, retryAt: body.retryScheduledAt });
    expect(await notifications('admin_alert', w.admin.id)).toHaveLength(1);
    const attempts = await w.sql<{ attempt: number; status: string; failure_code: string }>('SELECT attempt, status, failure_code FROM payment_attempts WHERE payment_id = $1', [
      body.paymentId,
    ]);
    expect(attempts).toEqual([{ attempt: 1, status: 'failed', failure_code: 'insufficient_funds' }]);
    // the retry is not due yet: the cron starts nothing for it
    expect(await w.runDueRetries()).toEqual([]);
  });

  it('retries on the dunning schedule (1, 3, 7 days), then flags the family', async () => {
    const f: Family = await w.family();
    const res = await w.process(f.parent, { studentId: f.children[0], amountCents: 4500, paymentMethodId: 'pm_card_chargeDeclined', description: 'Guitar lesson' });
    const { paymentId } = res.json();
    expect(res.json()).toMatchObject({ status: 'failed', failureCode: 'generic_decline' });
    const first = ((await payment(paymentId)).first_failed_at as Date).getTime();
    const offsets: number[] = [];
    for (const attempt of [2, 3, 4]) {
      offsets.push(((await payment(paymentId)).next_retry_at as Date).getTime() - first);
      await w.makeRetriesDue([paymentId]);
      const started = await w.runDueRetries();
      expect(started).toHaveLength(1);
      // a second firing of the cron starts nothing more for this attempt
      expect(await w.runDueRetries()).toEqual([]);
      expect(await payment(paymentId)).toMatchObject({ status: 'failed', attempt_count: attempt });
    }
    expect(offsets).toEqual([1 * DAY, 3 * DAY, 7 * DAY]);
    const p = await payment(paymentId);
    expect(p.next_retry_at).toBeNull();
    expect(p.dunning_exhausted_at).toBeInstanceOf(Date);
    expect(await intentsOf(paymentId)).toHaveLength(4);
    expect((await intentsOf(paymentId)).every((pi) => pi.status === 'requires_payment_method')).toBe(true);
    const [flag] = await w.sql<{ payment_id: number; cleared_at: Date | null }>('SELECT payment_id, cleared_at FROM family_flags WHERE parent_id = $1', [f.parent.id]);
    expect(flag).toEqual({ payment_id: paymentId, cleared_at: null });
    expect(await notifications('payment_failed', f.parent.id)).toHaveLength(4);
    const billing = await w.stack.app.inject({ method: 'GET', url: `/api/v1/billing/${f.parent.id}`, headers: f.parent.headers });
    expect(billing.json()).toMatchObject({ flag: { paymentId }, balance: { outstandingCents: 4500, paidCents: 0 } });
    // nothing is due any more
    await w.makeRetriesDue([paymentId]);
    expect(await w.runDueRetries()).toEqual([]);
  });

  it('recovers on a retry with the card the family saved since', async () => {
    const f = await w.family();
    const res = await w.process(f.parent, { studentId: f.children[0], amountCents: 3000, paymentMethodId: 'pm_card_chargeDeclined', description: 'Drum lesson' });
    const { paymentId } = res.json();
    const saved = await w.stack.app.inject({
      method: 'POST',
      url: `/api/v1/billing/${f.parent.id}/payment-methods`,
      headers: f.parent.headers,
      payload: { paymentMethod: 'pm_card_visa', makeDefault: true },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    await w.makeRetriesDue([paymentId]);
    expect(await w.runDueRetries()).toHaveLength(1);
    const p = await payment(paymentId);
    expect(p).toMatchObject({ status: 'succeeded', attempt_count: 2, next_retry_at: null, failure_code: null, gateway_payment_method_id: saved.json().id });
    const intents = await intentsOf(paymentId);
    expect(intents.map((pi) => pi.status).sort()).toEqual(['requires_payment_method', 'succeeded']);
    expect(await ledger(paymentId)).toEqual([{ kind: 'payment', amount_cents: 3000, gateway_object_id: intents.find((pi) => pi.status === 'succeeded')!.id }]);
    expect(await notifications('payment_receipt', f.parent.id)).toHaveLength(1);
  });

  it('returns the same payment for a repeated Idempotency-Key and charges once', async () => {
    const f = await w.family();
    const body = { studentId: f.children[0], amountCents: 2500, paymentMethodId: 'pm_card_visa', description: 'Theory class' };
    const headers = { 'idempotency-key': `pay-${f.parent.id}` };
    const [a, b] = await Promise.all([w.process(f.parent, body, headers), w.process(f.parent, body, headers)]).then((rs) => rs.sort((x, y) => x.statusCode - y.statusCode));
    expect(a!.statusCode, a!.body).toBe(200);
    // the concurrent twin is either the same answer or refused as a conflict, never a second charge
    expect([200, 409]).toContain(b!.statusCode);
    const again = await w.process(f.parent, body, headers);
    expect(again.json()).toMatchObject({ paymentId: a!.json().paymentId, runId: a!.json().runId, status: 'succeeded' });
    expect(await intentsOf(a!.json().paymentId)).toHaveLength(1);
    const other = await w.process(f.parent, { ...body, amountCents: 2600 }, headers);
    expect(other.statusCode).toBe(409);
  });
});
