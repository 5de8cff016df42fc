/**
 * The parents' card form (Stripe Elements): GET /api/v1/billing/card-form says which form the page
 * shows, and POST /api/v1/billing/{parentId}/setup-intents hands the browser a SetupIntent to
 * confirm. The saved card then goes to POST …/payment-methods like any other.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponse } from '../../http/error-schemas.js';
import { forbidden, notFound } from '../../http/errors.js';
import { callerOf } from '../auth/caller.js';
import type { SchoolServices } from '../services.js';
import { ensureCustomer } from './customers.js';
import { parentParams } from './schemas.js';

const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 503: errorResponse };

export const cardFormView = z.object({
  gateway: z.enum(['stripe', 'simulated']).describe('The gateway cards are saved at'),
  /** STRIPE_PUBLISHABLE_KEY; null: no Stripe Elements, the page offers the simulated gateway's test cards. */
  publishableKey: z.string().nullable(),
});

export const setupIntentView = z.object({
  gateway: z.enum(['stripe', 'simulated']),
  setupIntentId: z.string(),
  /** For Stripe.js `confirmCardSetup` only: the browser keeps it in memory, the server never stores it. */
  clientSecret: z.string(),
  publishableKey: z.string().nullable(),
});

export const cardFormRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, gateway, config } = services;
    const publishableKey = config.stripe.publishableKey ?? null;
    const tags = ['billing'];

    app.get(
      '/api/v1/billing/card-form',
      {
        config: { access: ['admin', 'parent'] },
        schema: { tags, security, summary: 'Which card form the page shows: Stripe Elements (a publishable key) or test cards', response: { 200: cardFormView, ...errors } },
      },
      async () => ({ gateway: gateway.name, publishableKey }),
    );

    app.post(
      '/api/v1/billing/:parentId/setup-intents',
      {
        config: { access: ['admin', 'parent'] },
        schema: {
          tags,
          security,
          summary: "A SetupIntent for the family's card form (admin; the parent themself): its client secret confirms a card in the browser",
          params: parentParams,
          response: { 201: setupIntentView, ...errors },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const { parentId } = request.params;
        if (caller.role !== 'admin' && caller.userId !== parentId) throw forbidden('You may only add cards to your own family');
        const [parent] = await db.sql.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [parentId]);
        if (parent?.role !== 'parent') throw notFound('Parent');
        const customerId = await ensureCustomer(services, parentId);
        const intent = await gateway.createSetupIntent({ customerId }, { idempotencyKey: `seti:${parentId}:${randomUUID()}` });
        return reply.status(201).send({ gateway: gateway.name, setupIntentId: intent.id, clientSecret: intent.clientSecret, publishableKey });
      },
    );
  };
