/**
 * The `payment` workflow (the brief's PaymentProcessingWorkflow):
 *
 *   prepare → charge → outcome ─┬─ record-success → send-receipt
 *                               └─ record-failure → notify-failure → payment-issue
 *
 * One run makes one charge attempt of one payment. Dunning retries are further runs of the same
 * payment (attempt 2, 3, 4), started by the `payment-retries` cron when they fall due.
 */
import { defineWorkflow } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { chargeNode, prepareNode } from './charge-nodes.js';
import { PAYMENT_WORKFLOW, paymentEvent } from './event.js';
import { startPaymentIssueNode } from './issue-node.js';
import { notifyFailureNode, outcomeRouter, recordFailureNode, recordSuccessNode, sendReceiptNode } from './outcome-nodes.js';

export function paymentWorkflow(services: SchoolServices) {
  return defineWorkflow({
    name: PAYMENT_WORKFLOW,
    description: 'Charge a family: payment intent → router → success (ledger, lesson paid, receipt) or failure (reason, dunning retry or flag, notices)',
    event: paymentEvent,
    start: 'prepare',
    nodes: [
      { node: prepareNode(services), connections: ['charge'] },
      { node: chargeNode(services), connections: ['outcome'] },
      { node: outcomeRouter, connections: ['record-success', 'record-failure'] },
      { node: recordSuccessNode(services), connections: ['send-receipt'] },
      { node: sendReceiptNode(services) },
      { node: recordFailureNode(services), connections: ['notify-failure'] },
      { node: notifyFailureNode(services), connections: ['payment-issue'] },
      { node: startPaymentIssueNode(services) },
    ],
  });
}
