/**
 * The `late-fees` workflow (cron, every hour): with the `lateFee` setting enabled, charges one late
 * fee per debt still owed `graceDays` after it was due (late-fees.ts), then starts the charge of
 * each fee not started yet and tells the family (`late_fee`, key `late-fee:<id>`). Both steps are
 * idempotent: a firing that dies half-way is completed by the next one, and nobody hears twice.
 * The event's `firedAt` (ISO instant; default now) is the time the firing stands for.
 */
import { z } from 'zod';
import { defineNode, defineWorkflow } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { sendNotification } from '../../notifications/send.js';
import { schoolSettings } from '../../settings/reader.js';
import { assessLateFee, lateDebts } from '../late-fees.js';
import { workflowActor } from '../rules.js';
import { attemptRunKey, PAYMENT_WORKFLOW, type PaymentEvent } from './event.js';

export const LATE_FEES_WORKFLOW = 'late-fees';
export const LATE_FEES_CRON = '7 * * * *';

const lateFeesEvent = z.object({ firedAt: z.iso.datetime({ offset: true }).optional() });

interface FeeToStart {
  id: number;
  parent_id: number;
  amount_cents: number;
  currency: string;
  due_at: Date;
  payment_id: number;
  student_id: number | null;
  status: string;
  gateway_payment_method_id: string | null;
  description: string;
  owed_cents: number;
  owed_description: string;
}

export function lateFeesWorkflow(services: SchoolServices) {
  const sql = services.db.sql;

  const assess = defineNode<z.output<typeof lateFeesEvent>, { assessed: number[] }>({
    id: 'assess',
    description: 'Charge one late fee per debt past its grace days (setting lateFee)',
    retry: { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: 10_000 },
    process: async (ctx) => {
      const { lateFee } = await schoolSettings(services.db, services.config).get();
      if (!lateFee.enabled) return { assessed: [] };
      const at = ctx.event.firedAt ? new Date(ctx.event.firedAt) : new Date();
      const assessed: number[] = [];
      for (const debt of await lateDebts(sql, at, lateFee.graceDays)) {
        const id = await assessLateFee(services, debt, lateFee, workflowActor(ctx.runId));
        if (id !== null) assessed.push(id);
      }
      return { assessed };
    },
  });

  const chargeAndTell = defineNode<z.output<typeof lateFeesEvent>, { told: number[] }>({
    id: 'charge-and-tell',
    description: 'Start the payment run of each new fee and send the family its late_fee notice',
    retry: { maxAttempts: 3, initialDelayMs: 500 },
    process: async () => {
      const fees = await sql.query<FeeToStart>(
        `SELECT f.id, f.parent_id, f.amount_cents, f.currency, f.due_at, p.id AS payment_id, p.student_id, p.status, p.gateway_payment_method_id,
           p.description, COALESCE(sp.amount_cents, si.amount_due_cents - si.amount_paid_cents) AS owed_cents,
           COALESCE(sp.description, 'your lesson subscription') AS owed_description
         FROM late_fees f JOIN payments p ON p.id = f.fee_payment_id
         LEFT JOIN payments sp ON sp.id = f.source_payment_id LEFT JOIN invoices si ON si.id = f.source_invoice_id
         WHERE f.notice_run_id IS NULL AND f.waived_at IS NULL ORDER BY f.id LIMIT 200`,
      );
      const told: number[] = [];
      for (const fee of fees) {
        if (fee.status === 'pending' && fee.student_id !== null && fee.gateway_payment_method_id !== null) {
          const event: PaymentEvent = {
            studentId: fee.student_id,
            amountCents: fee.amount_cents,
            paymentMethodId: fee.gateway_payment_method_id,
            currency: fee.currency.trim(),
            description: fee.description,
            paymentId: fee.payment_id,
            attempt: 1,
          };
          const { runId } = await services.workflows.start(PAYMENT_WORKFLOW, event, { idempotencyKey: attemptRunKey(fee.payment_id, 1) });
          await sql.query('UPDATE payments SET workflow_run_id = $2 WHERE id = $1 AND workflow_run_id IS NULL', [fee.payment_id, runId]);
        }
        const { lateFee } = await schoolSettings(services.db, services.config).get();
        const data = {
          amountCents: fee.amount_cents,
          currency: fee.currency.trim(),
          owedCents: fee.owed_cents,
          owedDescription: fee.owed_description,
          dueAt: fee.due_at.toISOString(),
          graceDays: lateFee.graceDays,
        };
        const { runId } = await sendNotification(services.workflows, { userId: fee.parent_id, template: 'late_fee', data }, `late-fee:${fee.id}`);
        await sql.query('UPDATE late_fees SET notice_run_id = $2 WHERE id = $1 AND notice_run_id IS NULL', [fee.id, runId]);
        told.push(fee.id);
      }
      return { told };
    },
  });

  return defineWorkflow({
    name: LATE_FEES_WORKFLOW,
    description: 'Cron: one late fee per debt past its grace days (setting lateFee, off by default), charged and told to the family',
    event: lateFeesEvent,
    start: 'assess',
    nodes: [{ node: assess, connections: ['charge-and-tell'] }, { node: chargeAndTell }],
  });
}
