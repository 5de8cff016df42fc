import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { billingIntervals, gatewayNames, invoiceStatuses, ledgerGateways, ledgerKinds, paymentMethods, paymentStatuses, subscriptionStatuses } from './values.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.dispose();
});

/** The values a CHECK (column IN (…)) constraint of the migrated database allows, sorted. */
async function allowed(constraint: string): Promise<string[]> {
  const [row] = await t.db.sql.query<{ definition: string }>(`SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = $1`, [constraint]);
  if (!row) throw new Error(`no constraint ${constraint}`);
  return [...row.definition.matchAll(/'([^']*)'::text/g)].map((match) => match[1]!).sort();
}

describe('the payment tables’ values', () => {
  it.each([
    ['payments_status_check', paymentStatuses],
    ['payments_method_check', paymentMethods],
    ['payments_gateway_check', gatewayNames],
    ['billing_customers_gateway_check', gatewayNames],
    ['saved_payment_methods_gateway_check', gatewayNames],
    ['lesson_subscriptions_gateway_check', gatewayNames],
    ['invoices_gateway_check', gatewayNames],
    ['ledger_entries_gateway_check', ledgerGateways],
    ['ledger_entries_kind_check', ledgerKinds],
    ['lesson_subscriptions_status_check', subscriptionStatuses],
    ['lesson_subscriptions_interval_check', billingIntervals],
    ['invoices_status_check', invoiceStatuses],
  ])('%s allows exactly the listed values', async (constraint, values) => {
    expect(await allowed(constraint)).toEqual([...values].sort());
  });
});
