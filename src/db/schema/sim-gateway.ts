import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';

/**
 * State of the simulated payment gateway (migrations/0006_simulated_gateway.sql). Only
 * src/modules/payments/gateway/simulated reads and writes these tables.
 */

/** Stripe-shaped objects (`data` is the JSON Stripe would return), keyed by their Stripe-like id. */
export const simGatewayObjects = pgTable(
  'sim_gateway_objects',
  {
    id: text('id').primaryKey(),
    /** Creation order (several objects are made in the same instant). */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    /** customer, payment_method, payment_intent, charge, refund, product, subscription, invoice, test_clock */
    object: text('object').notNull(),
    customerId: text('customer_id'),
    createdAt: tstz('created_at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    index('sim_gateway_objects_object_created_idx').on(t.object, t.createdAt),
    index('sim_gateway_objects_customer_idx').on(t.customerId, t.object).where(sql`customer_id IS NOT NULL`),
  ],
);

/** The stored answer of the first request made with each idempotency key. */
export const simGatewayIdempotency = pgTable('sim_gateway_idempotency', {
  key: text('key').primaryKey(),
  requestHash: text('request_hash').notNull(),
  response: jsonb('response').$type<unknown>().notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/** Webhook events in order; `deliveredAt` is null until the delivery callback succeeded. */
export const simGatewayEvents = pgTable(
  'sim_gateway_events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: text('id').notNull().unique('sim_gateway_events_id_key'),
    type: text('type').notNull(),
    /** The JSON body as delivered (signed byte for byte). */
    payload: text('payload').notNull(),
    createdAt: tstz('created_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    deliveredAt: tstz('delivered_at'),
    lastError: text('last_error'),
  },
  (t) => [index('sim_gateway_events_pending_idx').on(t.seq).where(sql`delivered_at IS NULL`)],
);
