import type { AppConfig } from '../../../config.js';
import type { SqlExecutor } from '../../../db/sql-client.js';
import { SimulatedGateway } from './simulated/gateway.js';
import type { SimulatedSql } from './simulated/store.js';
import { StripeGateway } from './stripe.js';
import type { PaymentGateway } from './types.js';

export * from './types.js';
export { SimulatedGateway } from './simulated/gateway.js';
export type { StoredEvent, WebhookDelivery } from './simulated/delivery.js';
export { StripeGateway } from './stripe.js';

/**
 * The payment gateway of the configuration: Stripe (the official SDK) when
 * `config.stripe.secretKey` (STRIPE_SECRET_KEY) is set, else the simulated gateway, whose state
 * lives in the database behind `sql` (pass the SqlClient, so each call runs in a transaction).
 */
export function createPaymentGateway(config: { stripe: Pick<AppConfig['stripe'], 'secretKey' | 'webhookSecret' | 'apiUrl'> }, sql: SqlExecutor): PaymentGateway {
  const { secretKey, webhookSecret, apiUrl } = config.stripe;
  if (secretKey) {
    return new StripeGateway({ secretKey, ...(webhookSecret ? { webhookSecret } : {}), ...(apiUrl ? { apiUrl } : {}) });
  }
  return new SimulatedGateway(sql as SimulatedSql, webhookSecret ? { webhookSecret } : {});
}
