/**
 * The `payment` workflow's last step after a failure: once the dunning step has run (the reason
 * recorded, the next retry planned or the family flagged), start the AI-assisted `payment-issue`
 * run for the payment (one per payment, whatever the number of failed attempts). Best effort: a
 * start that fails never fails the payment run (the office can start one on demand).
 */
import { defineNode } from '../../../engine/index.js';
import { startPaymentIssue } from '../../approvals/payment-issue/start.js';
import type { SchoolServices } from '../../services.js';
import type { Prepared } from './charge-nodes.js';
import type { PaymentEvent } from './event.js';

export const startPaymentIssueNode = (services: SchoolServices) =>
  defineNode<PaymentEvent, { paymentIssueRunId: string | null }>({
    id: 'payment-issue',
    description: 'Start the payment-issue workflow (AI-drafted reply and resolutions, waiting for approval)',
    process: async (ctx) => {
      const p = ctx.output<Prepared>('prepare');
      const failed = ctx.output<{ superseded: boolean }>('record-failure');
      if (!p || !failed || failed.superseded) return { paymentIssueRunId: null };
      try {
        const { runId } = await startPaymentIssue(services.workflows, { paymentId: p.paymentId, trigger: 'payment_failed' });
        return { paymentIssueRunId: runId };
      } catch {
        return { paymentIssueRunId: null };
      }
    },
  });
