/**
 * Payments and family billing (API.md "Payments"): list and read payments, process a payment
 * through the `payment` workflow, refunds, reconciliation, a family's billing, subscriptions,
 * saved payment methods, the operations on failed payments and offline money
 * (operations-routes.ts), and the gateway webhook.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf, callerOf } from '../auth/caller.js';
import { errorResponse } from '../../http/error-schemas.js';
import { forbidden, notFound, validationFailed } from '../../http/errors.js';
import { pageOf } from '../../http/pagination.js';
import type { SchoolServices } from '../services.js';
import { billingOf } from './billing.js';
import { cardFormRoutes } from './card-form-routes.js';
import { billingView, paymentMethodView, savePaymentMethodBody, subscriptionBody, subscriptionView } from './billing-schemas.js';
import { savePaymentMethod } from './customers.js';
import { GatewayRequestError } from './gateway/types.js';
import { paymentOperationsRoutes } from './operations-routes.js';
import { processPayment } from './process.js';
import { getPayment, listPayments } from './read.js';
import { reconcile } from './reconciliation.js';
import { refundPayment } from './refunds.js';
import {
  idParams,
  parentParams,
  paymentListQuery,
  paymentView,
  processBody,
  processHeaders,
  processResult,
  reconciliationQuery,
  reconciliationReport,
  refundBody,
  refundResult,
} from './schemas.js';
import { manageSubscription } from './subscriptions.js';
import { webhookRoute } from './webhook-route.js';

const admin = { access: ['admin'] as const };
const adminOrParent = { access: ['admin', 'parent'] as const };
const security = [{ bearerAuth: [] }];
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 503: errorResponse };
const idempotencyHeaders = processHeaders;

export const paymentRoutes =
  (services: SchoolServices): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, gateway } = services;
    const tags = ['payments'];

    app.get(
      '/api/v1/payments',
      {
        config: adminOrParent,
        schema: { tags, security, summary: 'Payments (admin: all; parent: own family)', querystring: paymentListQuery, response: { 200: pageOf(paymentView), ...errors } },
      },
      async (request) => listPayments(db, callerOf(request), request.query),
    );

    app.post(
      '/api/v1/payments/process',
      {
        config: adminOrParent,
        schema: {
          tags,
          security,
          headers: idempotencyHeaders,
          body: processBody,
          summary: 'Charge a family through the payment workflow; answers when it ends, or 202 with statusUrl after 2 s',
          response: { 200: processResult, 202: processResult, ...errors },
        },
      },
      async (request, reply) => {
        const { done, result } = await processPayment(services, callerOf(request), actorOf(request), request.body, {
          idempotencyKey: request.headers['idempotency-key'],
        });
        if (!done) return reply.status(202).header('location', result.statusUrl).send(result);
        return result;
      },
    );

    app.get(
      '/api/v1/payments/reconciliation',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: "The ledger against the gateway's records for [from, to): every difference",
          querystring: reconciliationQuery,
          response: { 200: reconciliationReport, ...errors },
        },
      },
      async (request) => reconcile(services, { from: new Date(request.query.from), to: new Date(request.query.to) }),
    );

    app.get(
      '/api/v1/payments/:id',
      { config: adminOrParent, schema: { tags, security, summary: 'One payment (admin; parent: own family)', params: idParams, response: { 200: paymentView, ...errors } } },
      async (request) => getPayment(db, callerOf(request), request.params.id),
    );

    app.post(
      '/api/v1/payments/:id/refund',
      {
        config: admin,
        schema: {
          tags,
          security,
          summary: 'Refund all that is left, or amountCents of it',
          params: idParams,
          headers: idempotencyHeaders,
          body: refundBody,
          response: { 200: refundResult, ...errors },
        },
      },
      async (request) =>
        refundPayment(services, actorOf(request), request.params.id, {
          amountCents: request.body?.amountCents,
          reason: request.body?.reason,
          idempotencyKey: request.headers['idempotency-key'],
        }),
    );

    app.get(
      '/api/v1/billing/:parentId',
      {
        config: adminOrParent,
        schema: {
          tags: ['billing'],
          security,
          summary: 'A family’s balance, payment methods, subscriptions, invoices and receipts',
          params: parentParams,
          response: { 200: billingView, ...errors },
        },
      },
      async (request) => billingOf(db, gateway.name, callerOf(request), request.params.parentId),
    );

    app.post(
      '/api/v1/billing/:parentId/subscription',
      {
        config: admin,
        schema: {
          tags: ['billing'],
          security,
          summary: "Start, change or cancel a student's lesson subscription",
          params: parentParams,
          body: subscriptionBody,
          response: { 200: subscriptionView, ...errors },
        },
      },
      async (request) => manageSubscription(services, actorOf(request), request.params.parentId, request.body, `req:${request.id}`),
    );

    app.post(
      '/api/v1/billing/:parentId/payment-methods',
      {
        config: adminOrParent,
        schema: {
          tags: ['billing'],
          security,
          summary: 'Save a payment method (pm_… or a card token) for the family',
          params: parentParams,
          headers: idempotencyHeaders,
          body: savePaymentMethodBody,
          response: { 201: paymentMethodView, ...errors },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const { parentId } = request.params;
        if (caller.role !== 'admin' && caller.userId !== parentId) throw forbidden('You may only change your own payment methods');
        const [parent] = await db.sql.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [parentId]);
        if (parent?.role !== 'parent') throw notFound('Parent');
        const key = `pm:${parentId}:${request.body.paymentMethod}:${request.headers['idempotency-key'] ?? request.id}`;
        try {
          const saved = await savePaymentMethod(
            services,
            { parentId, paymentMethod: request.body.paymentMethod, makeDefault: request.body.makeDefault, idempotencyKey: key },
            actorOf(request),
          );
          return reply.status(201).send(saved);
        } catch (error) {
          if (error instanceof GatewayRequestError) throw validationFailed([{ field: 'body.paymentMethod', message: error.message }]);
          throw error;
        }
      },
    );

    await app.register(paymentOperationsRoutes(services));
    await app.register(cardFormRoutes(services));
    await app.register(webhookRoute(services));
  };
