/**
 * A failed payment starts the payment-issue run after the `payment` workflow's dunning step (one
 * run per payment); with no AI provider the rules drafter proposes a retry a week later, and
 * approving it moves the dunning retry to that day through the payments rules.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schoolSettings } from '../../src/modules/settings/reader.js';
import { eventually } from '../enrollments/helpers.js';
import { createPaymentWorld, type PaymentWorld } from '../payments/fixture.js';

let w: PaymentWorld;
beforeAll(async () => {
  w = await createPaymentWorld('simulated');
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe('a failed payment', () => {
  it('starts one payment-issue run whose approved retry date becomes the dunning retry', { timeout: 90_000 }, async () => {
    const f = await w.family();
    const res = await w.process(w.admin, { studentId: f.children[0], amountCents: 6000, paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds', description: 'Voice lesson' });
    expect(res.statusCode, res.body).toBe(200);
    const { paymentId, status } = res.json();
    expect(status).toBe('failed');

    let runId = '';
    await eventually(async () => {
      const [run] = await w.sql<{ id: string }>(`SELECT id FROM workflow_runs WHERE workflow_name = 'payment-issue' AND idempotency_key = $1`, [
        `payment-issue:payment:${paymentId}`,
      ]);
      runId = run?.id ?? '';
      return runId !== '';
    }, 'the payment-issue run');
    expect((await w.stack.engine.waitFor(runId, 30_000)).status).toBe('waiting');
    const [approval] = await w.sql<{ id: number; source: string; draft: { category: string; resolutions: Array<{ kind: string; date: string | null }> } }>(
      'SELECT id, source, draft FROM approvals WHERE run_id = $1',
      [runId],
    );
    const { timezone } = await schoolSettings(w.stack.database.db, w.stack.config).get();
    const inAWeek = DateTime.now().setZone(timezone).plus({ days: 7 }).toISODate();
    expect(approval).toMatchObject({ source: 'rules', draft: { category: 'insufficient_funds', resolutions: [{ kind: 'retry_on_date', date: inAWeek }] } });

    const approved = await w.stack.app.inject({ method: 'POST', url: `/api/v1/approvals/${approval!.id}/approve`, headers: w.admin.headers, payload: {} });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await w.stack.engine.waitFor(runId, 30_000)).status).toBe('succeeded');
    const [payment] = await w.sql<{ next_retry_at: Date }>('SELECT next_retry_at FROM payments WHERE id = $1', [paymentId]);
    expect(DateTime.fromJSDate(payment!.next_retry_at).setZone(timezone).toFormat('yyyy-MM-dd HH:mm')).toBe(`${inAWeek} 09:00`);
    const audit = await w.sql<{ action: string; actor_id: number }>(
      `SELECT action, actor_id FROM audit_log WHERE entity = 'payment' AND entity_id = $1 AND action = 'payment.retry_scheduled'`,
      [String(paymentId)],
    );
    expect(audit).toEqual([{ action: 'payment.retry_scheduled', actor_id: w.admin.id }]);
  });
});
