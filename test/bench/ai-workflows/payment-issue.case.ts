/**
 * Bench case of the payment-issue workflow: `prepare` writes a family for iteration `i` with a
 * failed payment (expired card, an unpaid late fee, a billing message); `run` starts the run for
 * that payment through the office's endpoint and resolves when the draft waits for approval
 * (gather, triage with the provider, approval row).
 */
import { familyCase } from '../../approvals/fixture.js';
import type { AiBenchContext, AiWorkflowCase } from './types.js';

const payments = new Map<number, number>();

async function paymentFor(ctx: AiBenchContext): Promise<number> {
  const known = payments.get(ctx.i);
  if (known !== undefined) return known;
  const family = await familyCase(ctx.stack.database.db, `Parent${ctx.i}`);
  payments.set(ctx.i, family.paymentId);
  return family.paymentId;
}

export const paymentIssueCase: AiWorkflowCase = {
  name: 'payment-issue',
  async prepare(ctx) {
    await paymentFor(ctx);
  },
  async run(ctx) {
    const paymentId = await paymentFor(ctx);
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/ai/payment-issues', headers: ctx.adminHeaders, payload: { paymentId } });
    if (res.statusCode !== 202) throw new Error(`payment-issues answered ${res.statusCode}: ${res.body}`);
    const run = await ctx.stack.engine.waitFor((res.json() as { runId: string }).runId, 60_000);
    if (run.status !== 'waiting') throw new Error(`the payment-issue run is ${run.status}, not waiting for approval`);
  },
};
