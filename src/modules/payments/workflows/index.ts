/**
 * Registration of the payment workflows, their cron schedule, and the simulated gateway's webhook
 * delivery. `registerPaymentWorkflows` is called where the school's registry is built — in every
 * process that runs workflows (serve, worker, tests) — so the events a charge produces in that
 * process reach the same processing as POST /api/v1/stripe/webhooks.
 */
import type { WorkflowRegistry } from '../../../engine/index.js';
import type { SchoolServices } from '../../services.js';
import { SimulatedGateway } from '../gateway/index.js';
import { receiveWebhook } from '../webhooks/receive.js';
import { PAYMENT_RETRIES_WORKFLOW } from './event.js';
import { paymentWorkflow } from './payment.js';
import { LATE_FEES_CRON, LATE_FEES_WORKFLOW, lateFeesWorkflow } from './late-fees.js';
import { SUBSCRIPTION_RENEWALS_CRON, SUBSCRIPTION_RENEWALS_WORKFLOW, subscriptionRenewalsWorkflow } from './renewals.js';
import { PAYMENT_RETRIES_CRON, paymentRetriesWorkflow } from './retries.js';

export { PAYMENT_RETRIES_WORKFLOW, PAYMENT_WORKFLOW } from './event.js';
export { LATE_FEES_WORKFLOW } from './late-fees.js';
export { SUBSCRIPTION_RENEWALS_WORKFLOW } from './renewals.js';

/** Cron schedules of the dunning retries, the renewal pricing and reminders, and the late fees. */
export const paymentSchedules = [
  { workflow: PAYMENT_RETRIES_WORKFLOW, cron: PAYMENT_RETRIES_CRON },
  { workflow: SUBSCRIPTION_RENEWALS_WORKFLOW, cron: SUBSCRIPTION_RENEWALS_CRON },
  { workflow: LATE_FEES_WORKFLOW, cron: LATE_FEES_CRON },
] as const;

/**
 * Sends the simulated gateway's events (signed, as Stripe would) through the webhook processing.
 * With Stripe, events arrive over HTTP instead. Replaces any earlier delivery callback.
 */
export function connectGatewayWebhooks(services: SchoolServices): void {
  if (!(services.gateway instanceof SimulatedGateway)) return;
  services.gateway.setWebhookDelivery(async (payload, signature) => {
    await receiveWebhook(services, payload, signature);
  });
}

export function registerPaymentWorkflows(registry: WorkflowRegistry, services: SchoolServices): void {
  registry.register(paymentWorkflow(services));
  registry.register(paymentRetriesWorkflow(services));
  registry.register(subscriptionRenewalsWorkflow(services));
  registry.register(lateFeesWorkflow(services));
  connectGatewayWebhooks(services);
}
