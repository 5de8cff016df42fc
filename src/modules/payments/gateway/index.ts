import type { AppConfig } from '../../../config.js';
import type { SqlExecutor } from '../../../db/sql-client.js';
import type { PaymentGateway } from './types.js';

export * from './types.js';

/**
 * Stripe when STRIPE_SECRET_KEY is set, else the simulated gateway.
 * (Being built: replaced by the real factory in this session.)
 */
export function createPaymentGateway(config: Pick<AppConfig, 'stripe'>, sql: SqlExecutor): PaymentGateway {
  void config;
  void sql;
  const unavailable = (): never => {
    throw new Error('payment gateway not built yet');
  };
  return {
    name: 'simulated',
    createCustomer: unavailable,
    attachPaymentMethod: unavailable,
    listPaymentMethods: unavailable,
    confirmPayment: unavailable,
    retrievePayment: unavailable,
    listPayments: unavailable,
    refund: unavailable,
    listRefunds: unavailable,
    createSubscription: unavailable,
    updateSubscription: unavailable,
    cancelSubscription: unavailable,
    verifyWebhook: unavailable,
  };
}
