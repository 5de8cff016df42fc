/**
 * Reconciliation after a simulated month: 200 families (some with two children and a monthly
 * subscription billed on the gateway's clock), two lesson payments each, 10 % of the cards
 * declining through the whole dunning schedule, partial refunds, and every webhook delivered
 * again twice, shuffled. The
 * ledger must match the gateway exactly; then two differences planted on purpose are found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePaymentMethod } from '../../src/modules/payments/customers.js';
import { createPaymentWorld, gatewayKinds, type Family, type PaymentWorld } from './fixture.js';

const DAY = 86_400_000;
const FAMILIES = 200;

describe.each(gatewayKinds)('reconciliation on the %s gateway', (kind) => {
  let w: PaymentWorld;
  let start: Date;
  let families: Array<Family & { declines: boolean }>;

  beforeAll(async () => {
    w = await createPaymentWorld(kind);
    start = new Date(Date.now() - 60_000);
  });
  afterAll(async () => {
    await w?.close();
  });

  const inBatches = async <T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> => {
    const out: R[] = [];
    for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
    return out;
  };
  const report = async (to: Date) => {
    const res = await w.stack.app.inject({
      method: 'GET',
      url: `/api/v1/payments/reconciliation?from=${start.toISOString()}&to=${to.toISOString()}`,
      headers: w.admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('finds zero differences after a month of payments, declines, refunds and duplicate webhooks', { timeout: 600_000 }, async () => {
    families = [];
    for (let i = 0; i < FAMILIES; i++) families.push({ ...(await w.family(i % 5 === 0 ? 2 : 1)), declines: i % 10 === 0 });
    await inBatches(families, 10, (fam) =>
      savePaymentMethod(
        w.stack.services,
        { parentId: fam.parent.id, paymentMethod: fam.declines ? 'pm_card_chargeCustomerFail' : 'pm_card_visa', makeDefault: true, idempotencyKey: `month-${fam.parent.id}` },
        { userId: null, role: 'test' },
      ),
    );
    // families with two children subscribe the second one monthly, priced by its 4 lessons of the month
    const subscribing = families.filter((x) => x.children.length === 2);
    for (const [k, fam] of subscribing.entries()) {
      await w.sql(
        `INSERT INTO lessons (student_id, teacher_id, scheduled_at, duration_minutes, ends_at)
         SELECT $1, $2, t, 30, t + interval '30 minutes'
         FROM unnest(ARRAY[2, 9, 16, 23]) AS d, LATERAL (SELECT date_trunc('hour', now()) + make_interval(days => d, mins => $3 * 40) AS t) x`,
        [fam.children[1], w.teacher.teacherId, k],
      );
    }
    for (const fam of subscribing) {
      const res = await w.stack.app.inject({
        method: 'POST',
        url: `/api/v1/billing/${fam.parent.id}/subscription`,
        headers: w.admin.headers,
        payload: { action: 'start', studentId: fam.children[1], interval: 'month' },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const paymentIds: number[] = [];
    const base = await w.sim.now();
    for (const day of [0, 14]) {
      if (day > 0) await w.sim.advanceClock(new Date(base.getTime() + day * DAY));
      const results = await inBatches(families, 16, async (fam) => {
        const method = (
          await w.sql<{ gateway_payment_method_id: string }>('SELECT gateway_payment_method_id FROM saved_payment_methods WHERE parent_id = $1', [fam.parent.id])
        )[0]!;
        return w.process(fam.parent, { studentId: fam.children[0], amountCents: 4500, paymentMethodId: method.gateway_payment_method_id, description: `Lesson, day ${day}` });
      });
      for (const res of results) {
        // 16 at once on a small machine: a run may outlast the 2 s the request waits (202); let it end
        expect([200, 202], res.body).toContain(res.statusCode);
        if (res.statusCode === 202) expect((await w.stack.engine.waitFor(res.json().runId, 60_000)).status).toBe('succeeded');
        paymentIds.push(res.json().paymentId);
      }
    }
    // past the month's end: every subscription has been billed twice
    await w.sim.advanceClock(new Date(base.getTime() + 35 * DAY));
    const failed = (await w.sql<{ id: number }>(`SELECT id FROM payments WHERE status = 'failed'`)).map((r) => r.id);
    expect(failed).toHaveLength((FAMILIES / 10) * 2);
    for (let round = 0; round < 3; round++) {
      await w.makeRetriesDue(failed);
      expect(await w.runDueRetries()).toHaveLength(failed.length);
    }
    const exhausted = await w.sql<{ n: number }>(`SELECT count(*)::int AS n FROM payments WHERE status = 'failed' AND dunning_exhausted_at IS NOT NULL AND attempt_count = 4`);
    expect(exhausted[0]!.n).toBe(failed.length);
    expect((await w.sql<{ n: number }>('SELECT count(DISTINCT parent_id)::int AS n FROM family_flags WHERE cleared_at IS NULL'))[0]!.n).toBe(FAMILIES / 10);

    const succeeded = (await w.sql<{ id: number }>(`SELECT id FROM payments WHERE status = 'succeeded' ORDER BY id`)).map((r) => r.id);
    for (const id of succeeded.slice(0, 12)) {
      const res = await w.stack.app.inject({ method: 'POST', url: `/api/v1/payments/${id}/refund`, headers: w.admin.headers, payload: { amountCents: 1000 + (id % 7) * 100 } });
      expect(res.statusCode, res.body).toBe(200);
    }
    await w.idle();

    // every event the gateway ever sent, twice more, in a shuffled order
    const events = await w.sim.events();
    expect(events.length).toBeGreaterThan(700);
    const again = [...events, ...events]
      .map((e) => ({ e, r: Math.random() }))
      .sort((a, b) => a.r - b.r)
      .map((x) => x.e);
    const answers = await inBatches(again, 25, (e) => w.postWebhook(e.payload));
    expect(answers.every((r) => r.statusCode === 200 && r.json().duplicate === true)).toBe(true);

    const to = new Date((await w.sim.now()).getTime() + DAY);
    const result = await report(to);
    expect(result.differences).toEqual([]);
    expect(result.ledger).toEqual(result.gatewayTotals);
    const paidOneOffs = paymentIds.length - failed.length;
    expect(result.ledger.payments).toBeGreaterThanOrEqual(paidOneOffs + 2 * families.filter((x) => x.children.length === 2 && !x.declines).length);
    expect(result.ledger.refunds).toBe(12);
    expect(result.matched).toBe(result.ledger.payments + result.ledger.refunds);
  });

  it('finds differences planted on purpose', async () => {
    const to = new Date((await w.sim.now()).getTime() + DAY);
    // a refund made at the gateway while its webhook is lost, and a ledger entry with no money behind it
    await w.pauseDeliveries();
    const [paid] = await w.sql<{ id: number; gateway_payment_intent_id: string; parent_id: number }>(
      `SELECT id, gateway_payment_intent_id, parent_id FROM payments WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1`,
    );
    const lost = await w.stack.services.gateway.refund({ paymentIntentId: paid!.gateway_payment_intent_id, amountCents: 700 }, { idempotencyKey: `planted-${kind}` });
    await w.sql(
      `INSERT INTO ledger_entries (parent_id, kind, amount_cents, currency, gateway, gateway_object_id, entry_key, occurred_at)
       VALUES ($1, 'payment', 4500, 'CAD', $2, 'pi_planted_on_purpose', 'payment:pi_planted_on_purpose', $3)`,
      [paid!.parent_id, kind, new Date(start.getTime() + 5 * DAY)],
    );
    const result = await report(to);
    expect(result.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'missing_at_gateway', object: 'payment', gatewayId: 'pi_planted_on_purpose', ledgerCents: 4500, gatewayCents: null }),
        expect.objectContaining({ kind: 'missing_in_ledger', object: 'refund', gatewayId: lost.id, gatewayCents: 700, ledgerCents: null }),
      ]),
    );
    expect(result.differences).toHaveLength(2);
    // once the lost webhook arrives, only the planted entry is left
    w.resumeDeliveries();
    await w.sim.redeliverPending();
    await w.idle();
    expect((await report(to)).differences.map((d: { gatewayId: string }) => d.gatewayId)).toEqual(['pi_planted_on_purpose']);
  });
});
