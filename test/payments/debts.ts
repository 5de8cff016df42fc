/**
 * Helpers for the tests of failed payments (debts): declining a charge, saving the family's new
 * default card, the family's money as the gateway, the ledger and the billing view see it, and a
 * dunning retry run started as a cron firing that selected the payment a moment earlier would.
 */
import { expect } from 'vitest';
import { PAYMENT_WORKFLOW } from '../../src/modules/payments/workflows/index.js';
import type { Family, PaymentWorld, User } from './fixture.js';

const DAY = 86_400_000;

export function debtHelpers(w: PaymentWorld) {
  const inject = (method: 'GET' | 'POST', url: string, user: User, payload?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    w.stack.app.inject({ method, url, headers: { ...user.headers, ...headers }, ...(payload ? { payload } : {}) });

  return {
    inject,
    payment: async (id: number) => (await w.sql<Record<string, unknown>>('SELECT * FROM payments WHERE id = $1', [id]))[0]!,

    /** A charge of `amountCents` declined at the gateway (a one-off card): the failed payment's id. */
    async declined(f: Family, extra: Record<string, unknown> = {}, amountCents = 4500): Promise<number> {
      const res = await w.process(f.parent, { studentId: f.children[0], amountCents, paymentMethodId: 'pm_card_chargeDeclined', description: 'Piano lesson', ...extra });
      expect(res.json(), res.body).toMatchObject({ status: 'failed', retryScheduledAt: expect.any(String) });
      return res.json().paymentId;
    },

    /** Saves `card` as the family's default card (what a dunning retry charges): its pm_ id. */
    async saveDefaultCard(f: Family, card = 'pm_card_visa'): Promise<string> {
      const res = await inject('POST', `/api/v1/billing/${f.parent.id}/payment-methods`, f.parent, { paymentMethod: card, makeDefault: true });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    },

    /** Money the gateway actually took from the family: its succeeded payment intents' amounts. */
    async chargedAtGateway(f: Family): Promise<number[]> {
      const intents = await w.sim.stripe.listPaymentIntents({ from: new Date(0), to: new Date(Date.now() + DAY) });
      return intents.filter((pi) => pi.metadata.parentId === String(f.parent.id) && pi.status === 'succeeded').map((pi) => pi.amount);
    },

    ledger: (f: Family) =>
      w.sql<{ payment_id: number; amount_cents: number; gateway: string }>('SELECT payment_id, amount_cents, gateway FROM ledger_entries WHERE parent_id = $1 ORDER BY id', [
        f.parent.id,
      ]),

    async balance(f: Family): Promise<{ paidCents: number; outstandingCents: number }> {
      const res = await inject('GET', `/api/v1/billing/${f.parent.id}`, w.admin);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().balance;
    },

    /** The event of the payment's next dunning retry, as the `payment-retries` cron builds it. */
    async retryEventOf(paymentId: number): Promise<Record<string, unknown>> {
      const [p] = await w.sql<{
        student_id: number;
        amount_cents: number;
        currency: string;
        description: string;
        lesson_id: number | null;
        gateway_payment_method_id: string;
        attempt_count: number;
      }>('SELECT student_id, amount_cents, currency, description, lesson_id, gateway_payment_method_id, attempt_count FROM payments WHERE id = $1', [paymentId]);
      return {
        studentId: p!.student_id,
        amountCents: p!.amount_cents,
        paymentMethodId: p!.gateway_payment_method_id,
        currency: p!.currency,
        description: p!.description,
        ...(p!.lesson_id !== null ? { lessonId: p!.lesson_id } : {}),
        paymentId,
        attempt: p!.attempt_count + 1,
      };
    },

    /**
     * The run a cron firing would have started for the payment's next dunning retry had it selected
     * the payment just before a settlement or a cancellation committed (its run key is its own).
     * Waits for the run and returns how it ended.
     */
    async retryRunFromStaleCron(paymentId: number, tag: string): Promise<string> {
      const event = await this.retryEventOf(paymentId);
      const run = await w.stack.engine.startAndWait(PAYMENT_WORKFLOW, event, { idempotencyKey: `stale-cron:${paymentId}:${tag}`, waitMs: 30_000 });
      return run.status;
    },
  };
}
