/**
 * The dunning retry of a failed payment and the payment that settles it, started at the same
 * moment for several families: whichever claims the failed payment first charges, the other is
 * refused (409) or stops, so every family is charged exactly once. Meant for real PostgreSQL
 * (TEST_DATABASE_URL), where the two run on separate connections; on PGlite they interleave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_WORKFLOW } from '../../src/modules/payments/workflows/index.js';
import { onRealPostgres } from '../helpers/db.js';
import { createPaymentWorld, type Family, type PaymentWorld } from './fixture.js';
import { debtHelpers } from './debts.js';

describe(`a retry racing the payment that settles it (${onRealPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  let w: PaymentWorld;
  let h: ReturnType<typeof debtHelpers>;
  beforeAll(async () => {
    w = await createPaymentWorld('simulated');
    h = debtHelpers(w);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('charges every family once, whichever wins', { timeout: 180_000 }, async () => {
    const families: Array<{ f: Family; debt: number }> = [];
    for (let i = 0; i < 8; i++) {
      const f = await w.family();
      const debt = await h.declined(f);
      await h.saveDefaultCard(f);
      families.push({ f, debt });
    }

    // Each family's retry run is started as the cron starts it, and its settlement i × 40 ms later:
    // a run takes some tens of milliseconds to reach its claim, so early settlements claim the
    // payment first and later ones find the retry charging.
    const race = async ({ f, debt }: { f: Family; debt: number }, i: number) => {
      const event = await h.retryEventOf(debt);
      const [run, answer] = await Promise.all([
        w.stack.engine.start(PAYMENT_WORKFLOW, event, { idempotencyKey: `race:${debt}` }),
        new Promise((resolve) => setTimeout(resolve, i * 40)).then(() =>
          w.process(f.parent, { studentId: f.children[0], amountCents: 4500, description: 'Settle', settlesPaymentId: debt }),
        ),
      ]);
      await w.stack.engine.waitFor(run.run.id, 60_000);
      return answer;
    };
    const answers = await Promise.all(families.map(race));
    await w.idle();

    const outcomes: string[] = [];
    for (const [i, { f, debt }] of families.entries()) {
      const answer = answers[i]!;
      expect([200, 409], answer.body).toContain(answer.statusCode);
      const settled = await h.payment(debt);
      if (answer.statusCode === 200) {
        expect(answer.json().status).toBe('succeeded');
        expect(settled).toMatchObject({ status: 'cancelled', settled_by_payment_id: answer.json().paymentId });
        outcomes.push('settlement');
      } else {
        // the retry had claimed the payment first: it charged, and the settlement wrote nothing
        expect(settled).toMatchObject({ status: 'succeeded', attempt_count: 2 });
        outcomes.push('retry');
      }
      expect(await h.chargedAtGateway(f)).toEqual([4500]);
      expect(await h.ledger(f)).toHaveLength(1);
      expect(await h.balance(f)).toMatchObject({ paidCents: 4500, outstandingCents: 0 });
    }
    // (which side wins depends on timing; each family's outcome above is one of the two)
    expect(outcomes).toHaveLength(families.length);
  });
});
